import Foundation
import Testing
import TestSupport

/// Requirements pins against the committed pin-matching indexes (Fixtures/pypi/pins/build.py):
/// each wheel is good (needs nothing) or bad (NEEDs libbfpinsbad.so.1, which no image has), so
/// the exit code says which file basefit judged; the build script names the file pip picks.
@Suite(.serialized) struct PinIndexTests {
    typealias Checkout = LockedWheelCommandTests.Checkout
    static let bad = "libbfpinsbad.so.1"

    func index(_ name: String) -> LocalIndex? {
        do { return try LocalIndex(root: TestPaths.fixtures.appendingPathComponent("pypi/pins/\(name)").path) } catch {
            print("skipping: \(error)")
            return nil
        }
    }

    func check(_ pins: String, base: String = "python:3.12-slim-bookworm", _ extra: [String] = []) throws -> (ProcessResult, [String: Any]) {
        let checkout = try Checkout(pins)
        defer { checkout.remove() }
        let result = try checkout.basefit(["check", checkout.requirements, "--base", base, "--format", "json"] + extra)
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    func kinds(_ object: [String: Any]) -> [String] {
        (object["problems"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "")|\($0["library"] ?? "")" }
    }

    /// `--runtime none`: the pins are judged for the Python the image's python3 package gives
    /// (bookworm: 3.11); with no Python line known (scratch) they are not judged (exit 2).
    /// Before: no wheel was picked for any image, and every image passed.
    @Test func runtimeNoneJudgesThePinsForTheImagesOwnPython() throws {
        guard let index = index("index") else { return }
        defer { index.stop() }
        let (slim, slimJSON) = try check("bfpin-any==1.0\n", base: "debian:bookworm-slim", ["--runtime", "none", "--index-url", index.simpleURL])
        #expect(slim.status == 1, "\(slim.stdout)\(slim.stderr)")
        #expect(kinds(slimJSON).contains("missing-library|\(Self.bad)"), "\(slim.stdout)")
        let (scratch, scratchJSON) = try check("bfpin-any==1.0\n", base: "scratch", ["--runtime", "none", "--index-url", index.simpleURL])
        #expect(scratch.status == 2, "\(scratch.stdout)\(scratch.stderr)")
        #expect(scratchJSON["conclusive"] as? Bool == false)

        let checkout = try Checkout("bfpin-any==1.0\n")
        defer { checkout.remove() }
        let recommend = try checkout.basefit(["recommend", checkout.requirements, "--runtime", "none", "--index-url", index.simpleURL, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(recommend.stdout.utf8)) as? [String: Any], "\(recommend.stderr)")
        #expect(object["recommended"] is NSNull, "\(object["recommended"] ?? "")")
        let candidate = (object["candidates"] as? [[String: Any]])?.first { $0["image"] as? String == "scratch" }
        #expect(candidate?["compatible"] as? Bool == false)
        #expect((candidate?["unjudged"] as? [Any])?.isEmpty == false)
        #expect(recommend.status != 0)
    }

    /// pip takes 1.0+cu1 for ==1.0 (the higher version), 1.0.0 for ==1.0, build 2 over build 1;
    /// `===1.0` only the file whose version is written 1.0.
    @Test func pinsMatchTheFilesPipPicks() throws {
        guard let index = index("index") else { return }
        defer { index.stop() }
        for pin in ["bfpin-local==1.0", "bfpin-zero==1.0", "bfpin-build==1.0"] {
            let (result, object) = try check(pin + "\n", ["--index-url", index.simpleURL])
            #expect(result.status == 1, "\(pin): \(result.stdout)\(result.stderr)")
            #expect(kinds(object).contains("missing-library|\(Self.bad)"), "\(pin): \(result.stdout)")
        }
        let (arbitrary, _) = try check("bfpin-local===1.0\n", ["--index-url", index.simpleURL])
        #expect(arbitrary.status == 0, "\(arbitrary.stdout)\(arbitrary.stderr)")
    }

    /// `requires-python <=3.12` holds for 3.12.0 only; python:3.12 images ship a later 3.12.x.
    @Test func aPatchDependentRequiresPythonIsNotPassed() throws {
        guard let index = index("index") else { return }
        defer { index.stop() }
        let (result, object) = try check("bfpin-rp==1.0\n", ["--index-url", index.simpleURL])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(kinds(object).contains("locked-no-build|bfpin-rp"), "\(result.stdout)")
    }

    /// A py3-none-any wheel is read like any other: its ELF member needs a library the image lacks.
    @Test func pureTaggedWheelsAreRead() throws {
        guard let index = index("index") else { return }
        defer { index.stop() }
        let (result, object) = try check("bfpin-pure==1.0\n", ["--index-url", index.simpleURL])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(kinds(object).contains("missing-library|\(Self.bad)"), "\(result.stdout)")
    }

    /// The file's own -i replaces every index pip was given: --extra-index-url's better-tagged
    /// good wheel is not what pip installs.
    @Test func theFilesIndexReplacesTheGivenExtraIndexes() throws {
        guard let first = index("index"), let second = index("index2") else { return }
        defer { first.stop(); second.stop() }
        let (result, object) = try check("-i \(first.simpleURL)\nbfpin-idx==1.0\n", ["--extra-index-url", second.simpleURL])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(kinds(object).contains("missing-library|\(Self.bad)"), "\(result.stdout)")
        #expect(result.stderr.contains("replaces every index pip was given"), "\(result.stderr)")
    }

    /// pip accepts a file matching any of a pin's hashes; one basefit cannot match leaves it unjudged.
    @Test func aHashBasefitCannotMatchLeavesThePinUnjudged() throws {
        guard let index = index("index") else { return }
        defer { index.stop() }
        let (result, _) = try check("bfpin-build==1.0 --hash=sha512:00\n", ["--index-url", index.simpleURL])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    }
}
