import Foundation

/// Writes files atomically: the content goes to a temporary file in the destination's folder,
/// which is renamed over the destination only when complete. A failure leaves no partial file.
public enum AtomicFile {
    /// Runs `body` with a temporary path beside `path`, then renames it to `path`.
    /// The temporary file is removed if `body` throws.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LabDataError.writeFailed(path: path, detail: "folder \(directory) does not exist")
        }
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
