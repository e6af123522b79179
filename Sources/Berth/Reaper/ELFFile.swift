import Foundation

/// Reads the two facts Berth needs from an ELF executable or library: its GNU build id (a
/// content hash the linker writes) and its program interpreter (the dynamic loader's path).
///
/// Only the ELF header, the program headers and the note and interpreter segments are read, so
/// a debug binary of tens of megabytes costs a few small reads, not a copy of the whole file.
struct ELFFile {
    /// A program header's type, file offset and size.
    private struct Segment {
        var type: UInt32
        var offset: Int
        var size: Int
    }

    private let handle: FileHandle
    private let segments: [Segment]

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        guard let header = Self.read(handle, offset: 0, count: 64), header.count == 64,
            header.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46]), header[4] == 2
        else {
            try? handle.close()
            return nil
        }

        let tableOffset = Int(Self.word64(header, at: 32))
        let entrySize = Int(Self.word16(header, at: 54))
        let count = Int(Self.word16(header, at: 56))
        guard entrySize >= 56, count < 4096,
            let table = Self.read(handle, offset: tableOffset, count: entrySize * count)
        else {
            try? handle.close()
            return nil
        }

        var segments: [Segment] = []
        for index in 0..<count where (index + 1) * entrySize <= table.count {
            let base = index * entrySize
            segments.append(
                Segment(
                    type: Self.word32(table, at: base), offset: Int(Self.word64(table, at: base + 8)),
                    size: Int(Self.word64(table, at: base + 32))))
        }
        self.handle = handle
        self.segments = segments
    }

    /// The `NT_GNU_BUILD_ID` note as hex, if the linker wrote one.
    var buildID: String? {
        for segment in segments where segment.type == 4 && segment.size < 1 << 20 {
            guard let notes = Self.read(handle, offset: segment.offset, count: segment.size) else { continue }
            var offset = 0
            while offset + 12 <= notes.count {
                let nameSize = Int(Self.word32(notes, at: offset))
                let descriptorSize = Int(Self.word32(notes, at: offset + 4))
                let noteType = Self.word32(notes, at: offset + 8)
                let nameStart = offset + 12
                let descriptorStart = nameStart + (nameSize + 3) / 4 * 4
                let next = descriptorStart + (descriptorSize + 3) / 4 * 4
                guard next <= notes.count else { break }
                if noteType == 3, nameSize == 4, notes[nameStart..<nameStart + 3].elementsEqual(Array("GNU".utf8)) {
                    return notes[descriptorStart..<descriptorStart + descriptorSize].map { String(format: "%02x", $0) }
                        .joined()
                }
                offset = next
            }
        }
        return nil
    }

    /// The `PT_INTERP` path, e.g. `/lib64/ld-linux-x86-64.so.2`.
    var interpreter: String? {
        guard let segment = segments.first(where: { $0.type == 3 }), segment.size < 4096,
            let raw = Self.read(handle, offset: segment.offset, count: segment.size)
        else { return nil }
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func read(_ handle: FileHandle, offset: Int, count: Int) -> [UInt8]? {
        guard offset >= 0, count >= 0, (try? handle.seek(toOffset: UInt64(offset))) != nil,
            let data = try? handle.read(upToCount: count)
        else { return nil }
        return Array(data)
    }

    private static func word16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func word32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func word64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
