import Foundation

/// Escaping for text placed in HTML or SVG (element content and quoted attributes).
public enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// A self-contained SVG line chart (no scripts, no external fonts or styles), for reports and docs.
///
/// Lines are decimated to at most two points per horizontal pixel (the min and max of each pixel
/// column, in order), so a million-bar series draws as a few thousand points and the picture keeps
/// every spike. Coordinates are printed with two decimals: the same data gives the same bytes.
public struct SVGLineChart: Sendable {
    /// One polyline.
    public struct Line: Sendable {
        public var name: String
        /// Values in plot order (NaN leaves a gap).
        public var values: [Double]
        /// CSS colour, e.g. `#1f77b4`.
        public var color: String
        /// Stroke width, px.
        public var width: Double
        /// x position (bar index) of each value, when the values are a downsampled curve; nil: 0, 1, 2, …
        public var positions: [Int]?
        /// SVG dash pattern (`6 3`), telling apart lines that share a colour; nil: solid.
        public var dash: String?

        /// A line; drawn at x = 0, 1, 2, … unless `positions` are given.
        public init(name: String, values: [Double], color: String, width: Double = 1, positions: [Int]? = nil, dash: String? = nil) {
            self.positions = positions
            self.name = name
            self.values = values
            self.color = color
            self.width = width
            self.dash = dash
        }
    }

    /// A shaded band over an index range of the x axis (a stress window, a regime).
    public struct Band: Sendable {
        /// Bar indices covered.
        public var range: Range<Int>
        /// CSS fill colour.
        public var color: String
        /// Tooltip and legend text (escaped when drawn).
        public var label: String

        /// A band over `range`.
        public init(range: Range<Int>, color: String, label: String) {
            self.range = range
            self.color = color
            self.label = label
        }
    }

    /// Chart title (escaped when drawn).
    public var title: String
    /// Width, px.
    public var width: Int
    /// Height, px.
    public var height: Int
    /// Lines, drawn in order (the last on top).
    public var lines: [Line]
    /// Shaded bands, drawn under the lines.
    public var bands: [Band]
    /// Labels at the left and right ends of the x axis (e.g. first and last date).
    public var xLabels: (String, String)
    /// Plot the y axis on a log scale (prices).
    public var logScale: Bool
    /// Bars on the x axis (default: the longest line's length).
    public var domain: Int?
    /// Small ticks under the plot at bar positions (trade entries), with a colour and a tooltip.
    public var markers: [(position: Int, color: String, label: String)] = []
    /// Labelled ticks on the time axis (position in the domain, label), e.g. each new year; when
    /// given they replace the start and end labels.
    public var xTicks: [(position: Int, label: String)] = []
    /// The y axis' title with its unit (`equity (account currency)`); nil: none.
    public var yLabel: String?
    /// Bands of many paths drawn as one fan (shaded 5–95 % band, median line) instead of lines.
    public var fans: [Fan] = []

    /// Many paths of one kind (bootstrap resamples) as their per-position 5 %, 50 % and 95 %
    /// quantiles over common positions.
    public struct Fan: Sendable {
        /// Legend name.
        public var name: String
        /// Positions (indices into the domain), ascending.
        public var positions: [Int]
        /// The 5 %, 50 % and 95 % quantiles at each position.
        public var lower: [Double], median: [Double], upper: [Double]
        /// Colour of the band and the median.
        public var color: String

        /// The fan of `paths` (each its values at its own ascending `positions`, or at 0, 1, … when
        /// nil), sampled at `points` evenly spaced positions of `0..<domain` (values between a
        /// path's positions interpolated linearly), quantiles linear between order statistics.
        public init(name: String, paths: [(values: [Double], positions: [Int]?)], domain: Int, points: Int = 240, color: String) {
            self.name = name
            self.color = color
            let count = max(2, min(points, domain))
            let positions = (0..<count).map { domain <= 1 ? 0 : $0 * (domain - 1) / (count - 1) }
            self.positions = positions
            let sampled: [[Double]] = paths.map { path in
                let at = path.positions ?? Array(path.values.indices)
                var j = 0
                return positions.map { p in
                    while j + 1 < at.count && at[j + 1] <= p { j += 1 }
                    guard j + 1 < at.count, at[j] <= p else { return path.values[min(j, path.values.count - 1)] }
                    let w = Double(p - at[j]) / Double(at[j + 1] - at[j])
                    return path.values[j] + w * (path.values[j + 1] - path.values[j])
                }
            }
            func quantile(_ v: [Double], _ q: Double) -> Double {
                let sorted = v.filter(\.isFinite).sorted()
                guard !sorted.isEmpty else { return .nan }
                let h = Double(sorted.count - 1) * q, lo = Int(h)
                return sorted[lo] + (h - Double(lo)) * (sorted[min(lo + 1, sorted.count - 1)] - sorted[lo])
            }
            let columns = positions.indices.map { i in sampled.map { $0[i] } }
            lower = columns.map { quantile($0, 0.05) }
            median = columns.map { quantile($0, 0.5) }
            upper = columns.map { quantile($0, 0.95) }
        }
    }

    /// A chart 960 × 420 px with a log y axis unless given.
    public init(
        title: String, width: Int = 960, height: Int = 420, lines: [Line], bands: [Band] = [], xLabels: (String, String) = ("", ""), logScale: Bool = true
    ) {
        self.title = title
        self.width = width
        self.height = height
        self.lines = lines
        self.bands = bands
        self.xLabels = xLabels
        self.logScale = logScale
    }

    /// The chart as SVG text.
    public func render() -> String {
        let legend = lines.contains { !$0.name.isEmpty } || !fans.isEmpty
        let left = yLabel == nil ? 64.0 : 76.0, right = legend ? 150.0 : 16.0, top = 36.0, bottom = 36.0
        // The chart grows to hold every legend entry (18 px each): a legend never clips.
        let entries = legend ? lines.count + fans.count : 0
        let height = max(self.height, Int(top + 14 + 18 * Double(entries) + bottom))
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let lineEnds: [Int] = lines.map { line in line.positions.map { ($0.last ?? -1) + 1 } ?? line.values.count }
        let fanEnds: [Int] = fans.map { ($0.positions.last ?? -1) + 1 }
        let count = domain ?? (lineEnds + fanEnds).max() ?? 0
        func transform(_ v: Double) -> Double { logScale ? Foundation.log(v) : v }
        let fanValues: [Double] = fans.flatMap { $0.lower + $0.upper }
        let finite = (lines.flatMap(\.values) + fanValues).filter { $0.isFinite && (!logScale || $0 > 0) }.map(transform)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        func x(_ i: Int) -> Double { left + plotWidth * (count > 1 ? Double(i) / Double(count - 1) : 0.5) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (transform(v) - lo) / span) }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func escape(_ s: String) -> String { HTMLText.escape(s) }

        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(left))\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        for band in bands where !band.range.isEmpty && count > 0 {
            let x0 = x(max(0, band.range.lowerBound)), x1 = x(min(count - 1, band.range.upperBound - 1))
            svg +=
                "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(max(1, x1 - x0)))\" height=\"\(f(plotHeight))\" fill=\"\(band.color)\" fill-opacity=\"0.18\"><title>\(escape(band.label))</title></rect>\n"
        }
        // Axes and five horizontal grid lines labelled with prices.
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#888\"/>\n"
        for k in 0...4 {
            let t = lo + span * Double(k) / 4
            let value = logScale ? Foundation.exp(t) : t
            let yy = top + plotHeight * (1 - Double(k) / 4)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(yy))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(yy))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(String(format: value >= 100 ? "%.0f" : "%.2f", value))</text>\n"
        }
        if xTicks.isEmpty || count == 0 {
            svg += "<text x=\"\(f(left))\" y=\"\(f(Double(height) - 12))\">\(escape(xLabels.0))</text>"
            svg += "<text x=\"\(f(left + plotWidth))\" y=\"\(f(Double(height) - 12))\" text-anchor=\"end\">\(escape(xLabels.1))</text>\n"
        } else {
            for tick in xTicks {
                let xx = x(min(max(0, tick.position), count - 1))
                svg += "<line x1=\"\(f(xx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(xx))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#888\"/>"
                svg += "<text x=\"\(f(xx))\" y=\"\(f(Double(height) - 12))\" text-anchor=\"middle\">\(escape(tick.label))</text>\n"
            }
        }
        if let yLabel {
            svg +=
                "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n"
        }
        for m in markers where count > 0 {
            let xx = x(min(max(0, m.position), count - 1))
            svg +=
                "<line x1=\"\(f(xx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(xx))\" y2=\"\(f(top + plotHeight - 8))\" stroke=\"\(m.color)\" stroke-width=\"1.5\"><title>\(escape(m.label))</title></line>\n"
        }
        for (k, fan) in fans.enumerated() {
            let valid = fan.positions.indices.filter {
                fan.lower[$0].isFinite && fan.upper[$0].isFinite && (!logScale || (fan.lower[$0] > 0 && fan.upper[$0] > 0))
            }
            let upper = valid.map { "\(f(x(fan.positions[$0]))),\(f(y(fan.upper[$0])))" }
            let lower = valid.reversed().map { "\(f(x(fan.positions[$0]))),\(f(y(fan.lower[$0])))" }
            svg +=
                "<polygon fill=\"\(fan.color)\" fill-opacity=\"0.2\" stroke=\"none\" points=\"\((upper + lower).joined(separator: " "))\"><title>\(escape(fan.name)): 5–95 %</title></polygon>\n"
            let median = valid.filter { fan.median[$0].isFinite && (!logScale || fan.median[$0] > 0) }
                .map { "\(f(x(fan.positions[$0]))),\(f(y(fan.median[$0])))" }
            svg +=
                "<polyline fill=\"none\" stroke=\"\(fan.color)\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" points=\"\(median.joined(separator: " "))\"><title>\(escape(fan.name)): median</title></polyline>\n"
            let ly = top + 14 + Double(lines.count + k) * 18
            svg +=
                "<rect x=\"\(f(left + plotWidth + 12))\" y=\"\(f(ly - 10))\" width=\"18\" height=\"10\" fill=\"\(fan.color)\" fill-opacity=\"0.3\" stroke=\"\(fan.color)\" stroke-dasharray=\"3 2\"/>"
            svg += "<text x=\"\(f(left + plotWidth + 36))\" y=\"\(f(ly))\">\(escape(fan.name))</text>\n"
        }
        for (k, line) in lines.enumerated() {
            let points = Self.decimate(line.values, columns: Int(plotWidth))
            let position = { (i: Int) -> Int in line.positions?[i] ?? i }
            let path = points.filter { line.values[$0].isFinite && (!logScale || line.values[$0] > 0) }
                .map { "\(f(x(position($0)))),\(f(y(line.values[$0])))" }.joined(separator: " ")
            svg +=
                "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(f(line.width))\"\(line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") points=\"\(path)\"><title>\(escape(line.name))</title></polyline>\n"
            guard legend else { continue }
            let ly = top + 14 + Double(k) * 18
            svg +=
                "<line x1=\"\(f(left + plotWidth + 12))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + plotWidth + 30))\" y2=\"\(f(ly - 4))\" stroke=\"\(line.color)\" stroke-width=\"\(f(max(2, line.width)))\"\(line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            svg += "<text x=\"\(f(left + plotWidth + 36))\" y=\"\(f(ly))\">\(escape(line.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// Indices to draw: for each of `columns` equal slices of the series, the first index and the
    /// indices of the slice's minimum and maximum, in order (all indices when the series is short).
    public static func decimate(_ values: [Double], columns: Int) -> [Int] {
        let n = values.count
        guard n > 2 * max(columns, 1) else { return Array(0..<n) }
        var out: [Int] = []
        out.reserveCapacity(3 * columns + 1)
        for c in 0..<columns {
            let lo = n * c / columns, hi = n * (c + 1) / columns
            guard hi > lo else { continue }
            var minI = lo, maxI = lo
            for i in lo..<hi {
                if values[i] < values[minI] { minI = i }
                if values[i] > values[maxI] { maxI = i }
            }
            for i in Set([lo, minI, maxI]).sorted() { out.append(i) }
        }
        if out.last != n - 1 { out.append(n - 1) }
        return out
    }
}
