import Foundation

/// The messages of one HDF5 object header of version 1 (the format HDF5 writes by default, and
/// h5py and PyTables with their default settings), read straight from the file's bytes: what
/// ``HDF5DirectReader`` needs to find a dataset's shape, element type and storage, and a group's
/// or dataset's string attributes, without opening the object through the library.
///
/// The layout (HDF5 File Format Specification 3.0, section IV.A.1.a): a 16-byte prefix (version 1,
/// a reserved byte, the message count, the reference count, the size of the first block of
/// messages, 4 bytes of padding), then messages of 8 bytes of header (type, size, flags, 3 reserved
/// bytes) and `size` bytes of data, each aligned on 8 bytes; a continuation message (type 0x10)
/// points to a further block. Every read is bounds-checked: a header this parser does not
/// understand, or one that does not add up, gives nil (the caller then goes through the library,
/// which reports the problem in its words).
struct HDF5ObjectHeader {
    /// One message: its type, flags and data.
    struct Message {
        let type: UInt16
        let flags: UInt8
        let body: HDF5Bytes
    }

    /// The messages in file order, continuation blocks followed (and left out).
    let messages: [Message]

    /// Largest block of messages read (a header of a few hundred bytes is usual).
    static let maxBlock = 1 << 20
    /// Most continuation blocks followed (a cycle of continuations ends here).
    static let maxBlocks = 64

    /// The header at `address` of `file`, or nil when it is not a well-formed version 1 header.
    init?(at address: UInt64, in file: HDF5RawFile) {
        guard let prefix = file.bytes(at: address, count: 16), prefix.u8(0) == 1,
            let size = prefix.u32(8), size <= Self.maxBlock
        else { return nil }
        var blocks: [(UInt64, Int)] = [(address + 16, Int(size))]
        var messages: [Message] = []
        var next = 0
        while next < blocks.count {
            guard next < Self.maxBlocks, let block = file.bytes(at: blocks[next].0, count: blocks[next].1) else { return nil }
            next += 1
            var offset = 0
            while offset + 8 <= block.count {
                guard let type = block.u16(offset), let length = block.u16(offset + 2), let flags = block.u8(offset + 4),
                    let body = block.slice(offset + 8, Int(length))
                else { return nil }
                offset += 8 + Int(length)
                if type == 0x10 {
                    guard let at = body.u64(0), let count = body.u64(8), count <= UInt64(Self.maxBlock) else { return nil }
                    blocks.append((at, Int(count)))
                } else {
                    messages.append(Message(type: type, flags: flags, body: body))
                }
            }
        }
        self.messages = messages
    }

    /// Message types that describe a group rather than a dataset (link info, link, group info,
    /// symbol table).
    static let groupTypes: Set<UInt16> = [0x02, 0x06, 0x0A, 0x11]
    /// Message types that change nothing this reader needs: NIL, fill values (old and new), a
    /// comment, modification times (old and new), the reference count.
    static let ignoredTypes: Set<UInt16> = [0x00, 0x04, 0x05, 0x0D, 0x0E, 0x12, 0x16]

    /// Whether the object is a group.
    var isGroup: Bool { messages.contains { Self.groupTypes.contains($0.type) } }

    /// Whether the object is a dataset (it has a data layout message).
    var isDataset: Bool { messages.contains { $0.type == 0x08 } }

    /// The object's scalar string attributes by name; nil when an attribute cannot be read here
    /// (a variable-length string, a shared type, attributes stored densely outside the header).
    /// Attributes of another type are left out, as ``HDF5Object/stringAttributes()`` leaves them.
    func stringAttributes() -> [String: String]? {
        var out: [String: String] = [:]
        for message in messages {
            if message.type == 0x15 { return nil }  // attribute info: dense storage
            guard message.type == 0x0C else { continue }
            guard message.flags & 0x02 == 0, let (name, value) = Self.stringAttribute(message.body) else { return nil }
            if let value { out[name] = value }
        }
        return out
    }

    /// One attribute message (versions 1 to 3): its name and its value when it is a scalar
    /// fixed-length string (nil value for another type); nil when it cannot be read here.
    static func stringAttribute(_ b: HDF5Bytes) -> (String, String?)? {
        guard let version = b.u8(0), (1...3).contains(version), let flags = b.u8(1), let nameSize = b.u16(2), let typeSize = b.u16(4),
            let spaceSize = b.u16(6), nameSize > 0
        else { return nil }
        if version >= 2 && flags != 0 { return nil }  // a shared datatype or dataspace
        func padded(_ n: Int) -> Int { version == 1 ? (n + 7) / 8 * 8 : n }
        let nameAt = version == 3 ? 9 : 8
        let typeAt = nameAt + padded(Int(nameSize))
        let spaceAt = typeAt + padded(Int(typeSize))
        let dataAt = spaceAt + padded(Int(spaceSize))
        guard let nameBytes = b.slice(nameAt, Int(nameSize)), let type = b.slice(typeAt, Int(typeSize)), let space = b.slice(spaceAt, Int(spaceSize)),
            let classAndVersion = type.u8(0), let size = type.u32(4)
        else { return nil }
        let name = nameBytes.string()
        switch classAndVersion & 0x0F {
        case 3: break  // fixed-length string
        case 9: return nil  // variable length: the value is in the global heap
        default: return (name, nil)
        }
        guard let points = Dataspace(space)?.points else { return nil }
        if points == 0 { return (name, "") }  // a null dataspace reads as ""
        guard points == 1, let data = b.slice(dataAt, Int(size)) else { return points == 1 ? nil : (name, nil) }
        return (name, data.string())
    }

    /// A dataspace message (versions 1 and 2): its dimensions.
    struct Dataspace {
        /// Dimensions; empty for a scalar.
        let dims: [UInt64]
        /// True for a null dataspace (no element).
        let isNull: Bool

        /// Elements: the product of the dimensions (1 for a scalar, 0 for null); nil on overflow.
        var points: UInt64? {
            if isNull { return 0 }
            var n: UInt64 = 1
            for d in dims {
                let (p, overflow) = n.multipliedReportingOverflow(by: d)
                if overflow { return nil }
                n = p
            }
            return n
        }

        init?(_ b: HDF5Bytes) {
            guard let version = b.u8(0), let rank = b.u8(1), rank <= 32 else { return nil }
            let start: Int
            switch version {
            case 1:
                start = 8
                isNull = false
            case 2:
                guard let kind = b.u8(3), kind <= 2 else { return nil }
                start = 4
                isNull = kind == 2
            default: return nil
            }
            var dims: [UInt64] = []
            for k in 0..<Int(rank) {
                guard let d = b.u64(start + 8 * k) else { return nil }
                dims.append(d)
            }
            self.dims = dims
        }
    }

    /// The element types read directly: IEEE binary64 and two's-complement 64-bit integers, both
    /// little-endian (what the plain layout writes, and numpy on every machine the lab runs on).
    enum Element: Equatable {
        case float64, int64

        /// The type of a datatype message, or nil for any other type (HDF5 converts those).
        init?(_ b: HDF5Bytes) {
            guard let head = b.u8(0), let bits0 = b.u8(1), let bits1 = b.u8(2), let size = b.u32(4), size == 8,
                let offset = b.u16(8), let precision = b.u16(10), offset == 0, precision == 64
            else { return nil }
            guard bits0 & 0x01 == 0 else { return nil }  // big-endian
            switch head & 0x0F {
            case 0:
                guard bits0 & 0x08 != 0 else { return nil }  // unsigned
                self = .int64
            case 1:
                // Little-endian (not VAX), implied leading mantissa bit, sign in bit 63, exponent
                // bits 52…62 with bias 1023, mantissa bits 0…51.
                guard bits0 & 0x40 == 0, (bits0 >> 4) & 0x03 == 2, bits1 == 63, b.u8(12) == 52, b.u8(13) == 11, b.u8(14) == 0,
                    b.u8(15) == 52, b.u32(16) == 1023
                else { return nil }
                self = .float64
            default: return nil
            }
        }
    }

    /// Where a dataset's elements are: contiguous storage (layout message version 3 or 4) at a
    /// file address, `size` bytes; nil for compact or chunked storage.
    static func contiguous(_ b: HDF5Bytes) -> (address: UInt64, size: UInt64)? {
        guard let version = b.u8(0), version == 3 || version == 4, b.u8(1) == 1, let address = b.u64(2), let size = b.u64(10) else { return nil }
        return (address, size)
    }
}

/// Bytes read from a file, with bounds-checked little-endian reads (nil past the end).
struct HDF5Bytes {
    private let storage: [UInt8]
    private let start: Int
    /// Bytes in view.
    let count: Int

    init(_ bytes: [UInt8]) {
        storage = bytes
        start = 0
        count = bytes.count
    }

    private init(storage: [UInt8], start: Int, count: Int) {
        self.storage = storage
        self.start = start
        self.count = count
    }

    /// `length` bytes from `offset`, or nil when they run past the end.
    func slice(_ offset: Int, _ length: Int) -> HDF5Bytes? {
        guard offset >= 0, length >= 0, offset <= count - length else { return nil }
        return HDF5Bytes(storage: storage, start: start + offset, count: length)
    }

    func u8(_ offset: Int) -> UInt8? { offset >= 0 && offset < count ? storage[start + offset] : nil }

    func u16(_ offset: Int) -> UInt16? { unsigned(offset, 2).map { UInt16($0) } }

    func u32(_ offset: Int) -> UInt32? { unsigned(offset, 4).map { UInt32($0) } }

    func u64(_ offset: Int) -> UInt64? { unsigned(offset, 8) }

    private func unsigned(_ offset: Int, _ width: Int) -> UInt64? {
        guard offset >= 0, offset <= count - width else { return nil }
        var value: UInt64 = 0
        for k in (0..<width).reversed() { value = value << 8 | UInt64(storage[start + offset + k]) }
        return value
    }

    /// The bytes up to the first NUL, as UTF-8 (invalid sequences repaired).
    func string() -> String {
        let view = storage[start..<(start + count)]
        let end = view.firstIndex(of: 0) ?? view.endIndex
        return String(decoding: view[view.startIndex..<end], as: UTF8.self)
    }
}
