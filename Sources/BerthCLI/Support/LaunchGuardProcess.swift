import Berth
import Foundation
import Synchronization
import SystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// The launch guard of one `berth up` or `berth run`: a `berth reap --launch-guard` process
/// that outlives a `kill -9` of Berth during the few milliseconds in which its reaper exists but
/// is not yet started (see `LaunchGuard`).
///
/// Berth keeps the write end of a pipe that is the guard's stdin. `release()` writes one byte:
/// the reaper's start is sent, so the guard exits. `close()` without that byte, also on Berth's
/// death, makes the guard look for an unstarted reaper. The guard's stdout and stderr go to
/// /dev/null, so a caller that reads Berth's output is not kept waiting for it.
final class LaunchGuardProcess: Sendable {
    private let writeEnd: Mutex<Int32>

    private init(writeEnd: Int32) {
        self.writeEnd = Mutex(writeEnd)
    }

    /// Starts a guard for `session`'s reaper with `token`; nil (with a debug line) when it cannot.
    static func start(session: String, token: String, context: CommandContext) -> LaunchGuardProcess? {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            context.reporter.debug("cannot start the launch guard: pipe failed: \(String(cString: strerror(errno)))")
            return nil
        }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)

        var arguments = ["/proc/self/exe", "reap", "--session", session, "--launch-guard", token]
        if let host = context.hostAddress {
            arguments += ["--host", host]
        }
        var pid = pid_t()
        let status = spawn(arguments, stdin: ends[0], environment: context.environment, pid: &pid)
        Glibc.close(ends[0])
        guard status == 0 else {
            context.reporter.debug("cannot start the launch guard: \(String(cString: strerror(status)))")
            Glibc.close(ends[1])
            return nil
        }

        // Reaps the guard when it exits, so it does not stay a zombie for the rest of the session.
        let child = pid
        Thread {
            var exitStatus: Int32 = 0
            while waitpid(child, &exitStatus, 0) == -1 && errno == EINTR {}
        }.start()
        return LaunchGuardProcess(writeEnd: ends[1])
    }

    /// Signals the guard that the reaper's start is sent, so it exits.
    func release() {
        writeEnd.withLock { descriptor in
            guard descriptor >= 0 else { return }
            var byte: UInt8 = 1
            _ = write(descriptor, &byte, 1)
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Closes the pipe; without an earlier `release()`, the guard then looks for an unstarted reaper.
    func close() {
        writeEnd.withLock { descriptor in
            guard descriptor >= 0 else { return }
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Spawns the guard with `stdin` as its standard input; returns 0 or an error number.
    private static func spawn(_ arguments: [String], stdin: Int32, environment: [String: String], pid: inout pid_t)
        -> Int32
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        berth_spawn_actions_close_from(&actions, 3)
        return ChildProcess.withCStrings(arguments, environment) { argv, envp in
            posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        }
    }
}
