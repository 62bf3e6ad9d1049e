/// The version of every JSON document basefit prints (`schemaVersion`): scan, check,
/// recommend, catalog list/show. Bumped only when a key changes meaning; new keys may
/// be added at any time.
public enum OutputSchema {
    public static let version = 1
}
