import Foundation
import ProjectScan
import Reporting
import Testing
import TestSupport

/// `JSONValue(encoding:)` builds the tree directly from Codable. The oracle is the route it
/// replaced: `JSONEncoder` text read back by `JSONDecoder` into a sorted tree.
@Suite struct JSONValueEncoderTests {
    @Test func sameTreeAsJSONEncoderOnRealScans() throws {
        let projects = try FileManager.default.contentsOfDirectory(atPath: TestPaths.fixtures.appendingPathComponent("projects").path)
            .filter { !$0.hasSuffix("SHA256SUMS") }.sorted()
        #expect(projects.count >= 10)
        var files = 0
        for project in projects {
            let path = TestPaths.fixtures.appendingPathComponent("projects/\(project)").path
            let requirements = try Scanner().scan([path]).requirements
            files += requirements.files.count
            #expect(JSONValue(encoding: requirements.files) == (try Oracle.tree(requirements.files)), "files of \(project)")
            #expect(JSONValue(encoding: requirements.hints) == (try Oracle.tree(requirements.hints)), "hints of \(project)")
            #expect(JSONValue(encoding: requirements) == (try Oracle.tree(requirements)), "requirements of \(project)")
        }
        #expect(files > 20)
        for lockfiles in ["lockfiles/python-ingest", "lockfiles/npm-sharp-argon2"] {
            let locked = LockedDependencies.find(in: [TestPaths.fixtures.appendingPathComponent(lockfiles).path])
            #expect(!locked.isEmpty)
            #expect(JSONValue(encoding: locked) == (try Oracle.tree(locked)), "\(lockfiles)")
        }
    }

    @Test func optionalsNestingAndWideIntegers() throws {
        struct Inner: Codable { var name: String; var tags: Set<String>? }
        struct Sample: Codable {
            var absent: String?
            var explicitNull: String?
            var big: UInt64
            var small: Int8
            var flags: [Bool]
            var byName: [String: Inner]
            var nested: [[Int]]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encodeIfPresent(absent, forKey: .absent)
                try container.encodeNil(forKey: .explicitNull)
                try container.encode(big, forKey: .big)
                try container.encode(small, forKey: .small)
                try container.encode(flags, forKey: .flags)
                try container.encode(byName, forKey: .byName)
                try container.encode(nested, forKey: .nested)
            }
        }
        let sample = Sample(absent: nil, explicitNull: nil, big: UInt64(Int.max) + 1, small: -3, flags: [true, false],
                            byName: ["z": Inner(name: "last", tags: nil), "a": Inner(name: "first", tags: ["x"])], nested: [[1, 2], []])
        let value = JSONValue(encoding: sample)
        #expect(value == .object([
            ("big", .string("9223372036854775808")),
            ("byName", .object([("a", .object([("name", .string("first")), ("tags", .array([.string("x")]))])),
                                ("z", .object([("name", .string("last"))]))])),
            ("explicitNull", .null),
            ("flags", .array([.bool(true), .bool(false)])),
            ("nested", .array([.array([.int(1), .int(2)]), .array([])])),
            ("small", .int(-3)),
        ]))
        // A value with no JSON form here is null, not a guess.
        #expect(JSONValue(encoding: [1.5]) == .null)
    }
}

/// The previous implementation, kept as the oracle.
private struct Oracle: Decodable {
    let value: JSONValue

    static func tree(_ value: some Encodable) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try JSONDecoder().decode(Oracle.self, from: encoder.encode(value)).value
    }

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd { values.append(try array.decode(Oracle.self).value) }
            value = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            value = .object(try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                ($0.stringValue, try object.decode(Oracle.self, forKey: $0).value)
            })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let flag = try? single.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? single.decode(Int.self) {
            value = .int(number)
        } else {
            value = .string(try single.decode(String.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
