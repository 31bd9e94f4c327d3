/// Target ranges for a fish tank's measurements: the "range data" the tank publishes (retained)
/// and the built-in controller steers by.
public struct TankRanges: Sendable, Equatable {
    public struct Band: Sendable, Equatable {
        public var min: Double
        public var max: Double

        public init(min: Double, max: Double) {
            self.min = min
            self.max = max
        }
    }

    /// Measurement name -> band, published in this order.
    public private(set) var bands: [(name: String, band: Band)]

    public static let measurements = ["temperature", "ph", "dissolved_oxygen", "ammonia", "water_level"]

    public init(temperature: Band = Band(min: 24, max: 27), ph: Band = Band(min: 6.5, max: 7.5),
                dissolvedOxygen: Band = Band(min: 6, max: 9), ammonia: Band = Band(min: 0, max: 0.25),
                waterLevel: Band = Band(min: 90, max: 100)) {
        bands = [("temperature", temperature), ("ph", ph), ("dissolved_oxygen", dissolvedOxygen),
                 ("ammonia", ammonia), ("water_level", waterLevel)]
    }

    public subscript(_ name: String) -> Band? {
        bands.first { $0.name == name }?.band
    }

    public var temperature: Band { self["temperature"] ?? Band(min: 24, max: 27) }

    /// Changes one band; rejects unknown measurements and empty bands.
    public mutating func set(_ name: String, min: Double, max: Double) throws(CommandRejection) {
        guard let index = bands.firstIndex(where: { $0.name == name }) else {
            throw CommandRejection("unknown measurement '\(name)' (known: \(Self.measurements.joined(separator: ", ")))")
        }
        guard min < max else { throw CommandRejection("range for \(name) needs min < max (got \(min)...\(max))") }
        bands[index].band = Band(min: min, max: max)
    }

    /// `{device_id, timestamp, ranges: {temperature: {min, max}, ...}}`.
    public func message(deviceID: String, timestampMs: Int64) -> [Field] {
        [.string("device_id", deviceID), .integer("timestamp", timestampMs),
         .object("ranges", bands.map { .object($0.name, [.number("min", $0.band.min, 2), .number("max", $0.band.max, 2)]) })]
    }

    public static func == (lhs: TankRanges, rhs: TankRanges) -> Bool {
        lhs.bands.elementsEqual(rhs.bands) { $0.name == $1.name && $0.band == $1.band }
    }
}
