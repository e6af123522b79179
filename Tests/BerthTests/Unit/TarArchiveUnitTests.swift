import Foundation
import Testing

@testable import Berth

/// Reads the ustar header fields these tests check.
struct TarHeader {
    let block: ArraySlice<UInt8>

    init(_ bytes: [UInt8], at offset: Int) {
        block = bytes[offset..<offset + 512]
    }

    /// Reads a NUL-terminated text field.
    func text(_ offset: Int, _ length: Int) -> String {
        let start = block.startIndex + offset
        return String(decoding: block[start..<start + length].prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Reads an octal number field, NUL- or space-terminated.
    func octal(_ offset: Int, _ length: Int) -> Int? {
        Int(text(offset, length).trimmingCharacters(in: .whitespaces), radix: 8)
    }

    var name: String { text(0, 100) }
    var mode: Int? { octal(100, 8) }
    var size: Int? { octal(124, 12) }
    var checksum: Int? { octal(148, 8) }
    var typeFlag: UInt8 { block[block.startIndex + 156] }
    var linkName: String { text(157, 100) }
    var magic: [UInt8] { Array(block[block.startIndex + 257..<block.startIndex + 265]) }
    var prefix: String { text(345, 155) }

    /// The checksum as POSIX defines it: the byte sum with the checksum field read as spaces.
    var computedChecksum: Int {
        block.enumerated().reduce(0) { sum, element in
            sum + ((148..<156).contains(element.offset) ? 32 : Int(element.element))
        }
    }
}

@Suite("Tar archive")
struct TarArchiveUnitTests {
    @Test("a file entry has ustar header fields and a valid checksum")
    func fileHeader() throws {
        var archive = TarArchive()
        try archive.addFile("bin/berth", contents: Array("hello".utf8), mode: 0o755)

        let header = TarHeader(archive.bytes, at: 0)

        #expect(header.name == "bin/berth")
        #expect(header.mode == 0o755)
        #expect(header.size == 5)
        #expect(header.typeFlag == UInt8(ascii: "0"))
        #expect(header.magic == Array("ustar\u{0}00".utf8))
        #expect(header.prefix == "")
        #expect(header.checksum == header.computedChecksum)
        #expect(header.text(100, 8) == "0000755")
        #expect(header.text(124, 12) == "00000000005")
    }

    @Test("contents are padded to whole 512-byte blocks", arguments: [0, 1, 511, 512, 513, 1024])
    func padding(_ length: Int) throws {
        var archive = TarArchive()
        let contents = [UInt8](repeating: 0x61, count: length)

        try archive.addFile("data", contents: contents)

        let blocks = (length + 511) / 512
        #expect(archive.bytes.count == 512 + blocks * 512)
        #expect(Array(archive.bytes[512..<512 + length]) == contents)
        #expect(archive.bytes[(512 + length)...].allSatisfy { $0 == 0 })
    }

    @Test("finish appends two zero blocks")
    func finish() throws {
        var archive = TarArchive()
        try archive.addFile("a", contents: [1])
        archive.finish()

        #expect(archive.bytes.count == 512 + 512 + 1024)
        #expect(archive.bytes.suffix(1024).allSatisfy { $0 == 0 })
    }

    @Test("a symlink entry carries its target and no data")
    func symlink() throws {
        var archive = TarArchive()
        try archive.addSymlink("lib64/ld-linux-x86-64.so.2", target: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")

        let header = TarHeader(archive.bytes, at: 0)

        #expect(archive.bytes.count == 512)
        #expect(header.typeFlag == UInt8(ascii: "2"))
        #expect(header.linkName == "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        #expect(header.size == 0)
        #expect(header.mode == 0o777)
        #expect(header.checksum == header.computedChecksum)
    }

    @Test("a directory entry ends in a slash")
    func directory() throws {
        var archive = TarArchive()
        try archive.addDirectory("usr/lib")
        try archive.addDirectory("tmp/")

        #expect(TarHeader(archive.bytes, at: 0).name == "usr/lib/")
        #expect(TarHeader(archive.bytes, at: 0).typeFlag == UInt8(ascii: "5"))
        #expect(TarHeader(archive.bytes, at: 512).name == "tmp/")
    }

    @Test("a long path is split at a slash into prefix and name")
    func longPath() throws {
        let path = Self.longDirectory + "/libswiftCore.so"
        #expect(path.utf8.count > 100)
        var archive = TarArchive()

        try archive.addFile(path, contents: [1, 2, 3])

        let header = TarHeader(archive.bytes, at: 0)
        #expect(header.prefix + "/" + header.name == path)
        #expect(header.name.utf8.count <= 100)
        #expect(header.prefix.utf8.count <= 155)
        #expect(header.checksum == header.computedChecksum)
    }

    @Test("a path that cannot be split is rejected")
    func unsplittablePath() {
        var archive = TarArchive()

        #expect(throws: BerthError.self) {
            try archive.addFile(String(repeating: "x", count: 101), contents: [])
        }
        #expect(throws: BerthError.self) {
            try archive.addFile("dir/" + String(repeating: "x", count: 101), contents: [])
        }
        #expect(throws: BerthError.self) {
            try archive.addFile(String(repeating: "d", count: 160) + "/file", contents: [])
        }
        #expect(archive.bytes.isEmpty)
    }

    @Test("a link target over 100 bytes is rejected")
    func longLinkTarget() {
        var archive = TarArchive()

        let error = #expect(throws: BerthError.self) {
            try archive.addSymlink("link", target: "/" + String(repeating: "t", count: 100))
        }
        #expect(error?.message.contains("'link'") == true)
    }

    static let tarAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/tar")

    /// A directory twelve levels deep, so paths inside it need the ustar prefix field.
    static let longDirectory = (1...12).map { "directory\($0)" }.joined(separator: "/")

    /// Writes an archive with a directory, an executable, a symlink and a long path to `directory`.
    private func writeSampleArchive(in directory: URL) throws -> String {
        var archive = TarArchive()
        try archive.addDirectory("app")
        try archive.addFile("app/berth", contents: Array("#!/bin/sh\necho hi\n".utf8), mode: 0o755)
        try archive.addSymlink("app/current", target: "berth")
        try archive.addDirectory(Self.longDirectory)
        try archive.addFile(Self.longDirectory + "/lib.so", contents: Array(repeating: 7, count: 600))
        archive.finish()

        let path = directory.appendingPathComponent("context.tar").path
        try Data(archive.bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("GNU tar lists every entry", .enabled(if: tarAvailable))
    func gnuTarList() async throws {
        let directory = try UnitFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let archivePath = try writeSampleArchive(in: directory)

        let listing = try await UnitFixture.run("/usr/bin/tar", ["-tvf", archivePath])

        #expect(listing.status == 0)
        let lines = listing.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("drwxr-xr-x") == true)
        #expect(lines.first?.hasSuffix(" app/") == true)
        #expect(lines.dropFirst().first?.hasPrefix("-rwxr-xr-x") == true)
        #expect(lines.contains { $0.hasSuffix(" app/current -> berth") })
        let longDirectoryLine = try #require(lines.first { $0.hasSuffix(" \(Self.longDirectory)/") })
        #expect(longDirectoryLine.hasPrefix("d"))
        let longFileLine = try #require(lines.first { $0.hasSuffix(" \(Self.longDirectory)/lib.so") })
        #expect(longFileLine.contains(" 600 "))
    }

    @Test("GNU tar extracts contents and links", .enabled(if: tarAvailable))
    func gnuTarExtract() async throws {
        let directory = try UnitFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let archivePath = try writeSampleArchive(in: directory)
        let extracted = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)

        let extraction = try await UnitFixture.run("/usr/bin/tar", ["-xf", archivePath, "-C", extracted.path])

        #expect(extraction.status == 0)
        let script = try String(contentsOf: extracted.appendingPathComponent("app/berth"), encoding: .utf8)
        #expect(script == "#!/bin/sh\necho hi\n")
        let link = try FileManager.default.destinationOfSymbolicLink(
            atPath: extracted.appendingPathComponent("app/current").path)
        #expect(link == "berth")
        let library = try Data(contentsOf: extracted.appendingPathComponent(Self.longDirectory + "/lib.so"))
        #expect(library == Data(repeating: 7, count: 600))
    }
}
