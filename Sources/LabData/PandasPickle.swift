/// A reader for the small Python pickles (protocol 0, text) that pandas stores in PyTables
/// attributes of `format="table"` files: lists of column names (`values_block_0_kind`,
/// `non_index_axes`, `index_cols`) and the `info` dictionary holding the index time zone.
///
/// Only the opcodes protocol 0 uses for lists, tuples, dicts, strings, numbers, `None` and
/// `copyreg`-style reductions are understood; anything else yields nil (the caller then reports
/// the layout as unsupported rather than guessing).
indirect enum PickleValue: Equatable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([PickleValue])
    case tuple([PickleValue])
    case dict([(PickleValue, PickleValue)])
    case global(module: String, name: String)
    case reduced(callable: PickleValue, arguments: PickleValue)
    case mark

    static func == (a: PickleValue, b: PickleValue) -> Bool {
        switch (a, b) {
        case (.none, .none), (.mark, .mark): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.float(x), .float(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)): x == y
        case let (.dict(x), .dict(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.global(m1, n1), .global(m2, n2)): m1 == m2 && n1 == n2
        case let (.reduced(c1, a1), .reduced(c2, a2)): c1 == c2 && a1 == a2
        default: false
        }
    }

    /// The strings of a list or tuple of strings.
    var stringList: [String]? {
        switch self {
        case let .list(items), let .tuple(items):
            var out: [String] = []
            for item in items {
                guard case let .string(s) = item else { return nil }
                out.append(s)
            }
            return out
        default: return nil
        }
    }

    /// Value for a string key of a dict.
    subscript(key: String) -> PickleValue? {
        guard case let .dict(pairs) = self else { return nil }
        return pairs.first { $0.0 == .string(key) }?.1
    }

    /// Every string found anywhere inside the value, depth first.
    var allStrings: [String] {
        switch self {
        case let .string(s): [s]
        case let .list(items), let .tuple(items): items.flatMap(\.allStrings)
        case let .dict(pairs): pairs.flatMap { $0.0.allStrings + $0.1.allStrings }
        case let .reduced(callable, arguments): callable.allStrings + arguments.allStrings
        case let .global(module, name): [module + "." + name]
        default: []
        }
    }

    /// The deepest nesting and the most values a parsed pickle may hold (pandas writes a few
    /// levels and one value per column); a file cannot make the parser or a later walk of the
    /// value recurse or loop without bound (a memoised value used twice counts twice).
    static let maximumDepth = 64, maximumValues = 1_000_000

    /// Parses a protocol-0 pickle. Returns nil on any opcode outside the supported subset, and
    /// past ``maximumDepth`` or ``maximumValues``.
    static func parse(_ text: String) -> PickleValue? {
        let bytes = Array(text.utf8)
        var i = 0
        /// A value with its nesting depth and its number of values (itself included).
        typealias Entry = (value: PickleValue, depth: Int, size: Int)
        var stack: [Entry] = []
        var memo: [String: Entry] = [:]
        let mark: Entry = (.mark, 0, 0)

        func line() -> String? {
            guard let end = bytes[i...].firstIndex(of: 10) else { return nil }
            let s = String(decoding: bytes[i..<end], as: UTF8.self)
            i = end + 1
            return s
        }
        func popToMark() -> [Entry]? {
            guard let m = stack.lastIndex(where: { $0.value == .mark }) else { return nil }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        func leaf(_ value: PickleValue) -> Entry { (value, 0, 1) }
        /// `value` made of `parts`, or nil past the limits.
        func node(_ value: PickleValue, _ parts: [Entry]) -> Entry? {
            let depth = 1 + (parts.map(\.depth).max() ?? 0)
            let size = parts.reduce(1) { $0 + $1.size }
            guard depth <= maximumDepth, size <= maximumValues else { return nil }
            return (value, depth, size)
        }
        func push(_ entry: Entry?) -> Bool {
            guard let entry else { return false }
            stack.append(entry)
            return true
        }
        func pairs(_ items: [Entry]) -> [(PickleValue, PickleValue)] {
            stride(from: 0, to: items.count, by: 2).map { (items[$0].value, items[$0 + 1].value) }
        }

        while i < bytes.count {
            let op = bytes[i]
            i += 1
            switch op {
            case UInt8(ascii: "("): stack.append(mark)
            case UInt8(ascii: "N"): stack.append(leaf(.none))
            case UInt8(ascii: "l"):
                guard let items = popToMark(), push(node(.list(items.map(\.value)), items)) else { return nil }
            case UInt8(ascii: "t"):
                guard let items = popToMark(), push(node(.tuple(items.map(\.value)), items)) else { return nil }
            case UInt8(ascii: "d"):
                guard let items = popToMark(), items.count % 2 == 0, push(node(.dict(pairs(items)), items)) else { return nil }
            case UInt8(ascii: "a"):
                guard let value = stack.popLast(), let list = stack.popLast(), case let .list(items) = list.value,
                    push(node(.list(items + [value.value]), [list, value]))
                else { return nil }
            case UInt8(ascii: "e"):
                guard let values = popToMark(), let list = stack.popLast(), case let .list(items) = list.value,
                    push(node(.list(items + values.map(\.value)), [list] + values))
                else { return nil }
            case UInt8(ascii: "s"):
                guard let value = stack.popLast(), let key = stack.popLast(), let dict = stack.popLast(), case let .dict(pairs) = dict.value,
                    push(node(.dict(pairs + [(key.value, value.value)]), [dict, key, value]))
                else { return nil }
            case UInt8(ascii: "u"):
                guard let items = popToMark(), items.count % 2 == 0, let dict = stack.popLast(), case let .dict(existing) = dict.value,
                    push(node(.dict(existing + pairs(items)), [dict] + items))
                else { return nil }
            case UInt8(ascii: "p"):
                guard let key = line(), let top = stack.last else { return nil }
                memo[key] = top
            case UInt8(ascii: "g"):
                guard let key = line(), let entry = memo[key] else { return nil }
                stack.append(entry)
            case UInt8(ascii: "V"):
                guard let raw = line() else { return nil }
                stack.append(leaf(.string(unescapeRawUnicode(raw))))
            case UInt8(ascii: "S"):
                guard let raw = line(), raw.count >= 2 else { return nil }
                stack.append(leaf(.string(String(raw.dropFirst().dropLast()))))
            case UInt8(ascii: "I"):
                guard let raw = line() else { return nil }
                if raw == "00" {
                    stack.append(leaf(.bool(false)))
                } else if raw == "01" {
                    stack.append(leaf(.bool(true)))
                } else {
                    guard let v = Int64(raw) else { return nil }
                    stack.append(leaf(.int(v)))
                }
            case UInt8(ascii: "L"):
                guard let raw = line(), let v = Int64(raw.hasSuffix("L") ? String(raw.dropLast()) : raw) else { return nil }
                stack.append(leaf(.int(v)))
            case UInt8(ascii: "F"):
                guard let raw = line(), let v = Double(raw) else { return nil }
                stack.append(leaf(.float(v)))
            case UInt8(ascii: "c"):
                guard let module = line(), let name = line() else { return nil }
                stack.append(leaf(.global(module: module, name: name)))
            case UInt8(ascii: "R"), UInt8(ascii: "b"):
                guard let args = stack.popLast(), let callable = stack.popLast(),
                    push(node(.reduced(callable: callable.value, arguments: args.value), [callable, args]))
                else { return nil }
            case UInt8(ascii: "0"):
                guard stack.popLast() != nil else { return nil }
            case UInt8(ascii: "2"):
                guard let top = stack.last else { return nil }
                stack.append(top)
            case UInt8(ascii: "."):
                return stack.last?.value
            default:
                return nil
            }
        }
        return nil
    }

    /// Decodes Python's raw-unicode-escape: `\uXXXX` and `\UXXXXXXXX` escapes, everything else literal.
    static func unescapeRawUnicode(_ raw: String) -> String {
        guard raw.contains("\\u") || raw.contains("\\U") else { return raw }
        var out = ""
        var chars = Array(raw.unicodeScalars)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "\\", let kind = chars.first, kind == "u" || kind == "U" {
                let width = kind == "u" ? 4 : 8
                let hex = String(String.UnicodeScalarView(chars.dropFirst().prefix(width)))
                if hex.count == width, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) {
                    out.unicodeScalars.append(scalar)
                    chars = chars.dropFirst(width + 1)
                    continue
                }
            }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
