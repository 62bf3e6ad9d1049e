import ArgumentParser

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show, measure and import base images.",
        subcommands: [CatalogListCommand.self, CatalogShowCommand.self, CatalogImportCommand.self, CatalogMeasureCommand.self, CatalogRefreshCommand.self]
    )
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
