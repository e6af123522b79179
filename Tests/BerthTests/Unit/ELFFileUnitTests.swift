import Foundation
import Testing

@testable import Berth

@Suite("ELF reader")
struct ELFFileUnitTests {
    /// The test binary itself, a dynamically linked executable.
    static var executablePath: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    static let readelfAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/readelf")

    /// Returns the path of a shared library this process has mapped.
    static func mappedLibrary(named name: String) throws -> String {
        // Foundation reads /proc files by their reported size, which is 0, so ProcFile reads them.
        let maps = try #require(ProcFile.read("/proc/self/maps"))
        let line = try #require(maps.split(separator: "\n").first { $0.hasSuffix("/\(name)") })
        return try #require(line.split(separator: " ").last.map(String.init))
    }

    @Test("the test binary has a hex build id and an interpreter")
    func ownBinary() throws {
        let elf = try #require(ELFFile(path: "/proc/self/exe"))

        let buildID = try #require(elf.buildID)
        #expect(buildID.count >= 16)
        #expect(buildID.count.isMultiple(of: 2))
        #expect(buildID.allSatisfy { $0.isHexDigit })
        #expect(buildID == buildID.lowercased())
        let interpreter = try #require(elf.interpreter)
        #expect(interpreter.hasPrefix("/"))
        #expect(FileManager.default.fileExists(atPath: interpreter))
    }

    @Test("build id and interpreter match readelf", .enabled(if: readelfAvailable))
    func matchesReadelf() async throws {
        let elf = try #require(ELFFile(path: Self.executablePath))

        let notes = try await UnitFixture.run("/usr/bin/readelf", ["-n", Self.executablePath])
        let headers = try await UnitFixture.run("/usr/bin/readelf", ["-l", Self.executablePath])

        let buildID = try #require(elf.buildID)
        #expect(notes.output.contains("Build ID: \(buildID)\n"))
        let interpreter = try #require(elf.interpreter)
        #expect(headers.output.contains("[Requesting program interpreter: \(interpreter)]"))
    }

    @Test("a shared library has a build id but no interpreter")
    func sharedLibrary() throws {
        let path = try Self.mappedLibrary(named: "libswiftCore.so")
        let elf = try #require(ELFFile(path: path))

        #expect(elf.buildID != nil)
        #expect(elf.interpreter == nil)
    }

    @Test("files that are not 64-bit ELF are rejected")
    func notELF() throws {
        let directory = try UnitFixture.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("script.sh")
        try Data(("#!/bin/sh\n" + String(repeating: "echo hi\n", count: 20)).utf8).write(to: text)
        var elf32 = [UInt8](repeating: 0, count: 128)
        elf32.replaceSubrange(0..<5, with: [0x7F, 0x45, 0x4C, 0x46, 1])
        let thirtyTwoBit = directory.appendingPathComponent("elf32")
        try Data(elf32).write(to: thirtyTwoBit)
        let truncated = directory.appendingPathComponent("truncated")
        try Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]).write(to: truncated)

        #expect(ELFFile(path: text.path) == nil)
        #expect(ELFFile(path: thirtyTwoBit.path) == nil)
        #expect(ELFFile(path: truncated.path) == nil)
        #expect(ELFFile(path: directory.appendingPathComponent("missing").path) == nil)
    }
}
