import Foundation

/// Reads the two facts Berth needs from an ELF executable or library: its GNU build id (a
/// content hash the linker writes) and its program interpreter (the dynamic loader's path).
struct ELFFile {
    let bytes: [UInt8]

    init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count > 64,
            data.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46]), data[data.startIndex + 4] == 2
        else { return nil }
        bytes = Array(data)
    }

    /// The `NT_GNU_BUILD_ID` note as hex, if the linker wrote one.
    var buildID: String? {
        for segment in programHeaders() where segment.type == 4 {
            var offset = segment.offset
            let end = min(segment.offset + segment.size, bytes.count)
            while offset + 12 <= end {
                let nameSize = Int(word32(at: offset))
                let descriptorSize = Int(word32(at: offset + 4))
                let noteType = word32(at: offset + 8)
                let nameStart = offset + 12
                let descriptorStart = nameStart + (nameSize + 3) / 4 * 4
                let next = descriptorStart + (descriptorSize + 3) / 4 * 4
                guard next <= end else { break }
                if noteType == 3, nameSize == 4, bytes[nameStart..<nameStart + 3].elementsEqual(Array("GNU".utf8)) {
                    return bytes[descriptorStart..<descriptorStart + descriptorSize].map { String(format: "%02x", $0) }
                        .joined()
                }
                offset = next
            }
        }
        return nil
    }

    /// The `PT_INTERP` path, e.g. `/lib64/ld-linux-x86-64.so.2`.
    var interpreter: String? {
        guard let segment = programHeaders().first(where: { $0.type == 3 }),
            segment.offset + segment.size <= bytes.count
        else {
            return nil
        }
        let raw = bytes[segment.offset..<segment.offset + segment.size].prefix { $0 != 0 }
        return String(decoding: raw, as: UTF8.self)
    }

    private func programHeaders() -> [(type: UInt32, offset: Int, size: Int)] {
        let tableOffset = Int(word64(at: 32))
        let entrySize = Int(word16(at: 54))
        let count = Int(word16(at: 56))
        var headers: [(UInt32, Int, Int)] = []
        for index in 0..<count {
            let base = tableOffset + index * entrySize
            guard base + 56 <= bytes.count else { break }
            headers.append((word32(at: base), Int(word64(at: base + 8)), Int(word64(at: base + 32))))
        }
        return headers
    }

    private func word16(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private func word32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private func word64(at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
