import Synchronization

/// A signal that fires once and wakes every waiter, including those that arrive after it fired.
final class OneShotSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Fires the signal; later calls do nothing.
    func fire() {
        let waiters = state.withLock { value -> [CheckedContinuation<Void, Never>] in
            guard !value.fired else { return [] }
            value.fired = true
            defer { value.waiters.removeAll() }
            return value.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns once the signal has fired.
    func wait() async {
        await withCheckedContinuation { continuation in
            let firedAlready = state.withLock { value -> Bool in
                if value.fired {
                    return true
                }
                value.waiters.append(continuation)
                return false
            }
            if firedAlready {
                continuation.resume()
            }
        }
    }
}
