import Foundation

/// Writes a ustar archive in memory, the build context format of `POST /build`.
struct TarArchive {
    private(set) var bytes: [UInt8] = []

    /// Adds a regular file; `path` is relative, without a leading slash.
    mutating func addFile(_ path: String, contents: [UInt8], mode: Int = 0o644) throws(BerthError) {
        try appendHeader(path: path, size: contents.count, mode: mode, type: "0")
        bytes += contents
        bytes += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
    }

    /// Adds a symbolic link to `target`.
    mutating func addSymlink(_ path: String, target: String) throws(BerthError) {
        try appendHeader(path: path, size: 0, mode: 0o777, type: "2", linkTarget: target)
    }

    /// Adds a directory entry.
    mutating func addDirectory(_ path: String) throws(BerthError) {
        try appendHeader(path: path.hasSuffix("/") ? path : path + "/", size: 0, mode: 0o755, type: "5")
    }

    /// Ends the archive with two zero blocks.
    mutating func finish() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    private mutating func appendHeader(path: String, size: Int, mode: Int, type: Character, linkTarget: String = "")
        throws(BerthError)
    {
        guard linkTarget.utf8.count <= 100 else {
            throw BerthError("cannot archive the link '\(path)': its target is longer than 100 bytes")
        }
        var (name, prefix) = (Array(path.utf8), [UInt8]())
        if name.count > 100 {
            // ustar splits long paths at a slash into a 155-byte prefix and a 100-byte name.
            guard
                let split = name.indices.last(where: {
                    name[$0] == UInt8(ascii: "/") && $0 <= 155 && name.count - $0 - 1 <= 100
                })
            else {
                throw BerthError("cannot archive '\(path)': the path is too long for a tar header")
            }
            prefix = Array(name[..<split])
            name = Array(name[(split + 1)...])
        }

        var header = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int) {
            for (index, byte) in field.enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            Array(String(value, radix: 8).leftPadded(to: width - 1).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        header[156] = type.asciiValue ?? UInt8(ascii: "0")
        put(Array(linkTarget.utf8), at: 157)
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(prefix, at: 345)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(Array(String(checksum, radix: 8).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        bytes += header
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
