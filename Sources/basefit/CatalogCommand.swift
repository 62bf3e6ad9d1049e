import ArgumentParser

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show, measure, import, refresh and push base images.",
        subcommands: [CatalogListCommand.self, CatalogShowCommand.self, CatalogImportCommand.self, CatalogMeasureCommand.self, CatalogRefreshCommand.self, CatalogPushCommand.self]
    )
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
