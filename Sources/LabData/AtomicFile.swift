import Foundation
import LabCore

/// Writes files atomically: the content goes to a temporary file in the destination's folder,
/// which is renamed over the destination only when complete. A failure leaves no partial file.
public enum AtomicFile {
    /// Throws unless a file may be written at `path`: the path is not empty, names nothing or a
    /// regular file (never a device, FIFO, folder or link, which the rename would replace), and
    /// its folder exists. Commands call it before any work; ``write(to:_:)`` calls it again.
    public static func checkDestination(_ path: String) throws {
        guard !path.isEmpty else { throw LabDataError.outputRefused(path: "\"\"", detail: "an empty path names no file") }
        if let refusal = FileKind.writeRefusal(path) { throw LabDataError.outputRefused(path: path, detail: refusal) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileKind(path: directory) == .directory else {
            throw LabDataError.writeFailed(path: path, detail: "folder \(directory) does not exist")
        }
    }

    /// Runs `body` with a temporary path beside `path`, then renames it to `path`.
    /// The temporary file is removed if `body` throws.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        try checkDestination(path)
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            try body(temporary)
            guard rename(temporary, path) == 0 else {
                throw LabDataError.writeFailed(path: path, detail: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            do {
                try data.write(to: URL(fileURLWithPath: temporary))
            } catch {
                throw LabDataError.writeFailed(path: path, detail: error.localizedDescription)
            }
        }
    }
}
