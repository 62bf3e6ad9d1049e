/// Runs an async body for each element, a bounded number at a time, and returns the results
/// in the elements' order (wheels of a lockfile, ranges of one wheel).
enum BoundedConcurrency {
    static func map<Element: Sendable, Value: Sendable>(
        _ elements: [Element], width: Int, _ body: @escaping @Sendable (Element) async -> Value
    ) async -> [Value] {
        guard !elements.isEmpty else { return [] }
        var results = [Value?](repeating: nil, count: elements.count)
        await withTaskGroup(of: (Int, Value).self) { group in
            var next = 0
            func add() {
                let index = next, element = elements[next]
                next += 1
                group.addTask { (index, await body(element)) }
            }
            while next < min(max(width, 1), elements.count) { add() }
            while let (index, value) = await group.next() {
                results[index] = value
                if next < elements.count { add() }
            }
        }
        return results.map { $0! }
    }
}
