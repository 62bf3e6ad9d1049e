/// Builds a `JSONValue` straight from an `Encodable` value: no JSON text is written and
/// read back. Object keys come out sorted (output stays deterministic), optionals the type
/// leaves out stay out, and a value that encodes nothing is `{}`, as with `JSONEncoder`.
struct JSONValueEncoder {
    /// One value under construction: a scalar, or the members of an object or array.
    final class Node {
        var scalar: JSONValue?
        var members: [String: Node]?
        var elements: [Node]?

        var value: JSONValue {
            if let members { return .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value) }) }
            if let elements { return .array(elements.map(\.value)) }
            return scalar ?? .object([])
        }
    }

    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        return root.value
    }

    static func scalar(_ value: some BinaryInteger) -> JSONValue {
        Int(exactly: value).map(JSONValue.int) ?? .string(String(value))
    }

    static func unsupported(_ type: String, _ path: [any CodingKey]) -> EncodingError {
        EncodingError.invalidValue(type, .init(codingPath: path, debugDescription: "\(type) has no JSONValue form"))
    }

    struct TreeEncoder: Encoder {
        let node: Node
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.members == nil { node.members = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.elements == nil { node.elements = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func child(_ key: Key) -> Node {
            let child = Node()
            node.members?[key.stringValue] = child
            return child
        }

        private func put(_ value: JSONValue, _ key: Key) { child(key).scalar = value }

        mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw unsupported("Double", codingPath + [key]) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw unsupported("Float", codingPath + [key]) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.int(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { put(scalar(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(scalar(value), key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try value.encode(to: TreeEncoder(node: child(key), codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            TreeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            TreeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.members?["super"] = child
            return TreeEncoder(node: child, codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(node: child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer, ScalarWriter {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.elements?.count ?? 0 }

        private struct Index: CodingKey {
            let intValue: Int?
            var stringValue: String { String(intValue ?? 0) }
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        private func next() -> Node {
            let child = Node()
            node.elements?.append(child)
            return child
        }

        func put(_ value: JSONValue) { next().scalar = value }
        var scalarPath: [any CodingKey] { codingPath + [Index(count)] }

        /// The encoder for the next element (its path taken before it is appended).
        private func nextEncoder() -> TreeEncoder {
            let path = scalarPath
            return TreeEncoder(node: next(), codingPath: path)
        }

        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: nextEncoder()) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            nextEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nextEncoder().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder { nextEncoder() }
    }

    struct Single: SingleValueEncodingContainer, ScalarWriter {
        let node: Node
        let codingPath: [any CodingKey]

        func put(_ value: JSONValue) { node.scalar = value }
        var scalarPath: [any CodingKey] { codingPath }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
        }
    }
}

/// The scalar methods an unkeyed and a single-value container share (same names, same meaning).
protocol ScalarWriter {
    func put(_ value: JSONValue)
    /// Where a value written now would sit (for the error about floating point).
    var scalarPath: [any CodingKey] { get }
}

extension ScalarWriter {
    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ value: Bool) throws { put(.bool(value)) }
    mutating func encode(_ value: String) throws { put(.string(value)) }
    mutating func encode(_ value: Double) throws { throw JSONValueEncoder.unsupported("Double", scalarPath) }
    mutating func encode(_ value: Float) throws { throw JSONValueEncoder.unsupported("Float", scalarPath) }
    mutating func encode(_ value: Int) throws { put(.int(value)) }
    mutating func encode(_ value: Int8) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: Int16) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: Int32) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: Int64) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: UInt) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: UInt8) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: UInt16) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: UInt32) throws { put(JSONValueEncoder.scalar(value)) }
    mutating func encode(_ value: UInt64) throws { put(JSONValueEncoder.scalar(value)) }
}

extension JSONValue {
    /// The JSON form of any Encodable value, keys sorted; `null` for a value with no JSON form
    /// here (floating point: none of basefit's contract types has one).
    public init(encoding value: some Encodable) {
        self = (try? JSONValueEncoder.encode(value)) ?? .null
    }
}
