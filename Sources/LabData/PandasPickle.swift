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

    /// Parses a protocol-0 pickle. Returns nil on any opcode outside the supported subset.
    static func parse(_ text: String) -> PickleValue? {
        let bytes = Array(text.utf8)
        var i = 0
        var stack: [PickleValue] = []
        var memo: [String: PickleValue] = [:]

        func line() -> String? {
            guard let end = bytes[i...].firstIndex(of: 10) else { return nil }
            let s = String(decoding: bytes[i..<end], as: UTF8.self)
            i = end + 1
            return s
        }
        func popToMark() -> [PickleValue]? {
            guard let m = stack.lastIndex(of: .mark) else { return nil }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }

        while i < bytes.count {
            let op = bytes[i]
            i += 1
            switch op {
            case UInt8(ascii: "("): stack.append(.mark)
            case UInt8(ascii: "N"): stack.append(.none)
            case UInt8(ascii: "l"):
                guard let items = popToMark() else { return nil }
                stack.append(.list(items))
            case UInt8(ascii: "t"):
                guard let items = popToMark() else { return nil }
                stack.append(.tuple(items))
            case UInt8(ascii: "d"):
                guard let items = popToMark(), items.count % 2 == 0 else { return nil }
                stack.append(.dict(stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }))
            case UInt8(ascii: "a"):
                guard let value = stack.popLast(), case let .list(items)? = stack.popLast() else { return nil }
                stack.append(.list(items + [value]))
            case UInt8(ascii: "e"):
                guard let values = popToMark(), case let .list(items)? = stack.popLast() else { return nil }
                stack.append(.list(items + values))
            case UInt8(ascii: "s"):
                guard let value = stack.popLast(), let key = stack.popLast(), case let .dict(pairs)? = stack.popLast()
                else { return nil }
                stack.append(.dict(pairs + [(key, value)]))
            case UInt8(ascii: "u"):
                guard let items = popToMark(), items.count % 2 == 0, case let .dict(pairs)? = stack.popLast() else {
                    return nil
                }
                stack.append(.dict(pairs + stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }))
            case UInt8(ascii: "p"):
                guard let key = line(), let top = stack.last else { return nil }
                memo[key] = top
            case UInt8(ascii: "g"):
                guard let key = line(), let value = memo[key] else { return nil }
                stack.append(value)
            case UInt8(ascii: "V"):
                guard let raw = line() else { return nil }
                stack.append(.string(unescapeRawUnicode(raw)))
            case UInt8(ascii: "S"):
                guard let raw = line(), raw.count >= 2 else { return nil }
                stack.append(.string(String(raw.dropFirst().dropLast())))
            case UInt8(ascii: "I"):
                guard let raw = line() else { return nil }
                if raw == "00" {
                    stack.append(.bool(false))
                } else if raw == "01" {
                    stack.append(.bool(true))
                } else {
                    guard let v = Int64(raw) else { return nil }
                    stack.append(.int(v))
                }
            case UInt8(ascii: "L"):
                guard let raw = line(), let v = Int64(raw.hasSuffix("L") ? String(raw.dropLast()) : raw) else { return nil }
                stack.append(.int(v))
            case UInt8(ascii: "F"):
                guard let raw = line(), let v = Double(raw) else { return nil }
                stack.append(.float(v))
            case UInt8(ascii: "c"):
                guard let module = line(), let name = line() else { return nil }
                stack.append(.global(module: module, name: name))
            case UInt8(ascii: "R"):
                guard let args = stack.popLast(), let callable = stack.popLast() else { return nil }
                stack.append(.reduced(callable: callable, arguments: args))
            case UInt8(ascii: "b"):
                guard let state = stack.popLast(), let object = stack.popLast() else { return nil }
                stack.append(.reduced(callable: object, arguments: state))
            case UInt8(ascii: "0"):
                guard stack.popLast() != nil else { return nil }
            case UInt8(ascii: "2"):
                guard let top = stack.last else { return nil }
                stack.append(top)
            case UInt8(ascii: "."):
                return stack.last
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
