import ArgumentParser

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show, measure, import and push base images.",
        subcommands: [CatalogListCommand.self, CatalogShowCommand.self, CatalogImportCommand.self, CatalogMeasureCommand.self, CatalogPushCommand.self]
    )
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
