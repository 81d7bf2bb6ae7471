import Foundation

/// Offsets of an IANA time zone from UTC, via the system time-zone database.
///
/// Zones are looked up once and cached (a lookup parses a tzdata file); the cache is shared by
/// all threads behind a lock.
public enum TimeZoneOffsets {
    private static let cache = ZoneCache()

    /// Seconds east of UTC in zone `identifier` at `timestamp` (ns, UTC); 0 for unknown zones and for `UTC`.
    public static func secondsFromUTC(_ identifier: String, at timestamp: Int64) -> Int {
        guard identifier != "UTC", let zone = cache.zone(identifier) else { return 0 }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(timestamp) / 1e9))
    }

    /// The zone's next offset change strictly after `timestamp` (ns, UTC); nil when it has none
    /// that nanosecond timestamps can hold (after 2262-04-11).
    public static func nextTransition(_ identifier: String, after timestamp: Int64) -> Int64? {
        guard identifier != "UTC", let zone = cache.zone(identifier),
            let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(timestamp) / 1e9))
        else { return nil }
        let seconds = next.timeIntervalSince1970.rounded()
        guard abs(seconds) < 9.2e9 else { return nil }
        return Int64(seconds) * CivilTime.nanosPerSecond
    }

    /// Offsets of a zone looked up at many times (a bar loop): the offset is kept from the last
    /// lookup until the zone's next transition, so a series crossing no transition costs one lookup.
    public struct Cursor: Sendable {
        private var identifier = ""
        private var from = Int64.max
        private var until = Int64.min
        private var seconds = 0

        /// A cursor with nothing cached yet.
        public init() {}

        /// ``TimeZoneOffsets/secondsFromUTC(_:at:)``, cached.
        public mutating func secondsFromUTC(_ identifier: String, at timestamp: Int64) -> Int {
            if identifier == self.identifier && timestamp >= from && timestamp < until { return seconds }
            self.identifier = identifier
            seconds = TimeZoneOffsets.secondsFromUTC(identifier, at: timestamp)
            from = timestamp
            until = TimeZoneOffsets.nextTransition(identifier, after: timestamp) ?? .max
            return seconds
        }
    }

    /// True when the system knows the zone `identifier`.
    public static func isKnown(_ identifier: String) -> Bool {
        identifier == "UTC" || cache.zone(identifier) != nil
    }

    private final class ZoneCache: @unchecked Sendable {
        private let lock = NSLock()
        private var zones: [String: TimeZone?] = [:]

        func zone(_ identifier: String) -> TimeZone? {
            lock.lock()
            defer { lock.unlock() }
            if let cached = zones[identifier] { return cached }
            let zone = TimeZone(identifier: identifier)
            zones[identifier] = zone
            return zone
        }
    }
}
