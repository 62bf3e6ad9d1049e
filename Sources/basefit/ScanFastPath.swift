/// `basefit scan [--format json|text] [--quiet|--verbose] PATH...`, the form CI and
/// pre-commit hooks run once per file, without ArgumentParser: parsing the root command
/// builds the argument sets of every command (and the completion script's), which was about
/// a fifth of a small wheel's scan (measured with `Benchmarks/wheels.py`). Any other
/// argument (a flag it does not know, `--catalog`, the index options, `--help`, `--`, a path
/// starting with `-`, `help`) leaves the command line to ArgumentParser, so errors and help read as before.
struct ScanFastPath {
    var paths: [String] = []
    var format = ScanCommand.Format.text
    var quiet = false
    var verbose = false

    init?(_ arguments: [String]) {
        guard arguments.first == "scan" else { return nil }
        var rest = arguments.dropFirst()
        var formatGiven = false
        while let argument = rest.popFirst() {
            switch argument {
            case "--quiet" where !quiet: quiet = true
            case "--verbose" where !verbose: verbose = true
            case "--format" where !formatGiven:
                guard let value = rest.popFirst(), let format = ScanCommand.Format(rawValue: value) else { return nil }
                self.format = format
                formatGiven = true
            case "--format=json" where !formatGiven, "--format=text" where !formatGiven:
                format = argument.hasSuffix("json") ? .json : .text
                formatGiven = true
            default:
                guard !argument.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
                paths.append(argument)
            }
        }
        // What ScanCommand.validate and GlobalOptions.validate refuse is ArgumentParser's to say.
        guard !paths.isEmpty, !(quiet && verbose) else { return nil }
    }

    func run() throws {
        var global = GlobalOptions()
        global.quiet = quiet
        global.verbose = verbose
        global.catalog = nil
        try ScanCommand.scan(paths, format: format, index: nil, global)
    }
}
