extension SVGChart {
    /// Grid lines, tick labels and axis titles.
    func axes() -> String {
        let e = HTMLEscaping.escape
        var svg = "<g class=\"axes\">\n"
        for tick in left.ticks {
            let y = py(tick, .left).svg
            svg += "<line class=\"grid\" x1=\"\(Self.plotLeft.svg)\" y1=\"\(y)\" x2=\"\(plotRight.svg)\" y2=\"\(y)\"/>"
            svg += "<text class=\"tick\" x=\"\((Self.plotLeft - 8).svg)\" y=\"\(y)\" text-anchor=\"end\""
            svg += " dominant-baseline=\"middle\">\(e(left.label(for: tick)))</text>\n"
        }
        if let right {
            for tick in right.ticks {
                let y = py(tick, .right).svg
                svg += "<text class=\"tick\" x=\"\((plotRight + 8).svg)\" y=\"\(y)\" dominant-baseline=\"middle\">"
                svg += "\(e(right.label(for: tick)))</text>\n"
            }
            let x = (Self.width - 14).svg
            let y = ((Self.plotTop + Self.plotBottom) / 2).svg
            svg += "<text class=\"axis-label\" x=\"\(x)\" y=\"\(y)\" text-anchor=\"middle\""
            svg += " transform=\"rotate(90 \(x) \(y))\">\(e(right.label))</text>\n"
        }
        for tick in time.ticks {
            let x = px(tick).svg
            svg += "<line class=\"tick-mark\" x1=\"\(x)\" y1=\"\(Self.plotBottom.svg)\" x2=\"\(x)\""
            svg += " y2=\"\((Self.plotBottom + 5).svg)\"/>"
            svg += "<text class=\"tick\" x=\"\(x)\" y=\"\((Self.plotBottom + 18).svg)\" text-anchor=\"middle\">"
            svg += "\(e(time.label(for: tick)))</text>\n"
        }
        let middle = ((Self.plotLeft + plotRight) / 2).svg
        svg += "<text class=\"axis-label\" x=\"\(middle)\" y=\"\((Self.height - 8).svg)\" text-anchor=\"middle\">"
        svg += "\(e(time.label))</text>\n"
        let y = ((Self.plotTop + Self.plotBottom) / 2).svg
        svg +=
            "<text class=\"axis-label\" x=\"16\" y=\"\(y)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(y))\">"
        svg += "\(e(left.label))</text>\n"
        svg += "<line class=\"axis\" x1=\"\(Self.plotLeft.svg)\" y1=\"\(Self.plotBottom.svg)\" x2=\"\(plotRight.svg)\""
        svg += " y2=\"\(Self.plotBottom.svg)\"/>\n</g>\n"
        return svg
    }
}
