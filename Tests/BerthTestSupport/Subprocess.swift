import EngineAPI
import Foundation
import SystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests, started with `posix_spawn` and reaped with `waitpid` on a thread of
/// its own.
///
/// Foundation's `Process.waitUntilExit` spins on a run loop when called from a thread that has
/// none, and was seen to miss a child's exit entirely when many ran at once, hanging a test run.
public struct Subprocess: Sendable {
    /// The child's process id.
    public let pid: pid_t

    /// Starts `executable` with `arguments`, stdin from /dev/null and stdout and stderr written to
    /// the given files (created or truncated), or inherited when nil.
    public static func start(
        _ executable: String, _ arguments: [String], environment: [String: String],
        stdoutPath: String? = nil, stderrPath: String? = nil
    ) throws -> Subprocess {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdoutPath {
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let stderrPath {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        // Other tests in this process own sockets and pipes. A child that inherited one would keep it
        // open after its test closed it, so the peer would wait for an end of stream that never comes.
        berth_spawn_actions_close_from(&actions, 3)

        var pid = pid_t()
        let status = posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else {
            throw SubprocessError(message: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return Subprocess(pid: pid)
    }

    /// Waits for the child to end; returns its exit status, or 128+n when signal n killed it.
    public func wait() async throws -> Int32 {
        let pid = self.pid
        let raw = try await runBlocking { _ -> Int32 in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return status
        }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }
}

/// A child process that could not be started.
public struct SubprocessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
