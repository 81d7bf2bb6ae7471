import Foundation

/// What a path names on disk. Readers open only ``regular`` files (a FIFO would block a read
/// forever, a device would be read without end) and writers replace only regular files (an atomic
/// rename over `/dev/null` would replace the device with a file).
public enum FileKind: Sendable, Equatable {
    /// Nothing at the path.
    case missing
    /// A regular file.
    case regular
    /// A folder.
    case directory
    /// A symbolic link (only when links are not followed).
    case symbolicLink
    /// A named pipe.
    case fifo
    /// A character device such as `/dev/null`.
    case characterDevice
    /// A block device.
    case blockDevice
    /// A Unix-domain socket.
    case socket

    /// The kind of `path`; with `followLinks` (the default) a link is the kind of its target.
    public init(path: String, followLinks: Bool = true) {
        var info = stat()
        let status = followLinks ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else {
            self = .missing
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .socket
        }
    }

    /// The kind as words for a message: "a FIFO", "a character device".
    public var phrase: String {
        switch self {
        case .missing: "missing"
        case .regular: "a regular file"
        case .directory: "a folder"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        }
    }

    /// Nil when `path` may be read as a file, else why not: `no such file`, `is a folder`,
    /// `is a FIFO (named pipe), not a regular file`.
    public static func readRefusal(_ path: String) -> String? {
        switch FileKind(path: path) {
        case .regular: nil
        case .missing: "no such file"
        case .directory: "is a folder, not a file"
        case let other: "is \(other.phrase), not a regular file"
        }
    }

    /// Nil when a file may be written at `path` (nothing there, or a regular file to replace),
    /// else why not: `is a character device, not a regular file: it is not replaced`.
    public static func writeRefusal(_ path: String) -> String? {
        switch FileKind(path: path, followLinks: false) {
        case .missing, .regular: nil
        case .directory: "is a folder: it is not replaced"
        case let other: "is \(other.phrase), not a regular file: it is not replaced"
        }
    }
}

/// Why a file was not read or written, one phrase (`is a FIFO (named pipe), not a regular file`).
public struct FileRefusal: Error, Sendable, Equatable {
    /// The phrase, to follow the path in a message.
    public let reason: String
    /// A refusal for `reason`.
    public init(_ reason: String) { self.reason = reason }
}

extension FileKind {
    /// The bytes of the regular file at `path`, or why it is not read: not a regular file, or
    /// larger than `maxBytes` (checked before reading, so a huge file costs nothing).
    public static func contents(of path: String, maxBytes: Int) -> Result<Data, FileRefusal> {
        if let refusal = readRefusal(path) { return .failure(FileRefusal(refusal)) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else {
            return .failure(FileRefusal("is \(size) bytes, more than the limit of \(maxBytes) bytes"))
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(FileRefusal("cannot be read")) }
        guard data.count <= maxBytes else { return .failure(FileRefusal("is more than the limit of \(maxBytes) bytes")) }
        return .success(data)
    }
}
