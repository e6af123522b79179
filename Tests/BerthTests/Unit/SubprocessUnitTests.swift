import BerthTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Test children must not keep other tests' sockets open, because a stub daemon that closes a
/// connection expects its client to read the end of the stream at once.
@Suite("Test subprocesses")
struct SubprocessUnitTests {
    @Test("child inherits only standard streams")
    func childInheritsOnlyStandardStreams() async throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }

        let result = try await UnitFixture.run("/bin/sh", ["-c", "ls /proc/$$/fd"])

        let descriptors = result.output.split(separator: "\n").compactMap { Int32($0) }
        #expect(result.status == 0)
        #expect(descriptors.contains(1))
        #expect(!descriptors.contains(ends[0]), "inherited \(descriptors)")
        #expect(!descriptors.contains(ends[1]), "inherited \(descriptors)")
        #expect(descriptors.allSatisfy { $0 <= 2 }, "inherited \(descriptors)")
    }
}
