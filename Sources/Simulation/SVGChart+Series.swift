extension SVGChart {
    /// Bands first (so lines stay on top), then lines; every series' line is a `polyline.series`.
    func seriesMarkup() -> String {
        var bands = ""
        var lines = ""
        for series in series where !series.points.isEmpty {
            let edge = series.points.map { "\(px($0.x).svg),\(py($0.y, series.side).svg)" }
            let color = HTMLEscaping.escape(series.color)
            switch series.style {
            case .band(let opacity):
                let floor = series.points.reversed().map { "\(px($0.x).svg),\(py($0.base, series.side).svg)" }
                bands += "<polygon class=\"band\" fill=\"\(color)\" fill-opacity=\"\(opacity.svg)\""
                bands += " points=\"\((edge + floor).joined(separator: " "))\"/>\n"
                lines += polyline(edge, color: color, width: 1.5, dashed: false)
            case .line(let width):
                lines += polyline(edge, color: color, width: width, dashed: false)
            case .dashed:
                lines += polyline(edge, color: color, width: 2, dashed: true)
            }
        }
        return "<g class=\"series-group\">\n" + bands + lines + "</g>\n"
    }

    /// Dashed horizontal lines with their labels at the right end.
    func referenceMarkup() -> String {
        var svg = ""
        for reference in references {
            let y = py(reference.value, reference.side).svg
            let color = HTMLEscaping.escape(reference.color)
            svg += "<line class=\"reference\" x1=\"\(Self.plotLeft.svg)\" y1=\"\(y)\" x2=\"\(plotRight.svg)\""
            svg += " y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>"
            svg +=
                "<text class=\"reference-label\" x=\"\((plotRight - 6).svg)\" y=\"\((py(reference.value, reference.side) - 5).svg)\""
            svg += " text-anchor=\"end\" fill=\"\(color)\">\(HTMLEscaping.escape(reference.label))</text>\n"
        }
        return svg
    }

    /// A row of swatches and labels above the plot, series then reference lines.
    func legend() -> String {
        var svg = "<g class=\"legend\">\n"
        var x = Self.plotLeft
        let y = 46.0
        let entries =
            series.map { ($0.label, $0.color, isDashed($0.style)) }
            + references.map { ($0.label, $0.color, true) }
        for (label, color, dashed) in entries {
            let color = HTMLEscaping.escape(color)
            let dash = dashed ? " stroke-dasharray=\"5 3\"" : ""
            svg += "<line x1=\"\(x.svg)\" y1=\"\(y.svg)\" x2=\"\((x + 22).svg)\" y2=\"\(y.svg)\" stroke=\"\(color)\""
            svg += " stroke-width=\"4\"\(dash)/>"
            svg += "<text class=\"legend-label\" x=\"\((x + 28).svg)\" y=\"\(y.svg)\" dominant-baseline=\"middle\">"
            svg += "\(HTMLEscaping.escape(label))</text>\n"
            x += 28 + Double(label.count) * 7.4 + 22
        }
        return svg + "</g>\n"
    }

    private func polyline(_ points: [String], color: String, width: Double, dashed: Bool) -> String {
        let dash = dashed ? " stroke-dasharray=\"7 5\"" : ""
        return "<polyline class=\"series\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width.svg)\""
            + " stroke-linejoin=\"round\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
    }

    private func isDashed(_ style: ChartSeries.Style) -> Bool {
        if case .dashed = style { return true }
        return false
    }
}
