/// Recognises a sample the device's detector has already evaluated: delivery is at-least-once (a PLC re-sends
/// what got no PUBACK, a broker redelivers an unacknowledged message, a rebalance hands uncommitted records to
/// another replica), and a sample evaluated twice can raise an alarm that has already cleared.
///
/// With a `seq`: the seqs of the last ``window`` numbers below the highest seen are remembered in a bitmap;
/// a seq seen before is a duplicate, a seq not seen before (a late sample) is new, one further back than the
/// window is too old to evaluate. A seq at or below the highest with an event time newer than every sample
/// so far starts a new sequence: the device restarted its counter (a redelivered or late sample is never
/// newer than what followed it). Without a `seq`: the event times of the last ``recentTimes`` samples stand
/// in for it.
struct DuplicateFilter {
    /// Seqs remembered below the highest one.
    static let window: Int64 = 1024
    static let recentTimes = 32

    private var highest: Int64 = -1
    /// The newest event time of a sample with a seq.
    private var newestTime: Int64 = .min
    /// Bit `seq % window` set: that seq was seen (only meaningful within the window below `highest`).
    private var seen = [UInt64](repeating: 0, count: Int(Self.window / 64))
    private var times: [Int64] = []
    private var nextTime = 0

    /// True when the sample is new (and notes it), false when it was seen before or is too old.
    mutating func admit(seq: Int64?, eventTime: Int64) -> Bool {
        guard let seq else { return admit(eventTime: eventTime) }
        defer { newestTime = max(newestTime, eventTime) }
        if highest < 0 || (seq <= highest && eventTime > newestTime) {
            reset(at: seq)
            return true
        }
        if seq > highest {
            // Forget the bits the window slides over.
            if seq - highest >= Self.window {
                for index in seen.indices { seen[index] = 0 }
            } else {
                var cleared = highest + 1
                while cleared <= seq { set(cleared, false); cleared += 1 }
            }
            highest = seq
            set(seq, true)
            return true
        }
        if seq <= highest - Self.window || isSet(seq) { return false }
        set(seq, true)
        return true
    }

    private mutating func admit(eventTime: Int64) -> Bool {
        if times.contains(eventTime) { return false }
        if times.count < Self.recentTimes {
            times.append(eventTime)
        } else {
            times[nextTime] = eventTime
            nextTime = (nextTime + 1) % Self.recentTimes
        }
        return true
    }

    private mutating func reset(at seq: Int64) {
        for index in seen.indices { seen[index] = 0 }
        highest = seq
        set(seq, true)
    }

    private func position(_ seq: Int64) -> (word: Int, bit: UInt64) {
        let slot = Int(((seq % Self.window) + Self.window) % Self.window)
        return (slot / 64, 1 << UInt64(slot % 64))
    }

    private func isSet(_ seq: Int64) -> Bool {
        let (word, bit) = position(seq)
        return seen[word] & bit != 0
    }

    private mutating func set(_ seq: Int64, _ value: Bool) {
        let (word, bit) = position(seq)
        if value { seen[word] |= bit } else { seen[word] &= ~bit }
    }
}
