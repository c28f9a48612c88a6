import Foundation

/// One self-contained HTML page: sections of headings, tables, text and images embedded as data URLs
/// (no server, no network, no JavaScript). `sandbox report` fills it from a folder.
struct ReportPage {
    struct Section {
        var title: String
        /// Where it came from (a folder or file), shown under the title.
        var source: String
        var blocks: [Block]
    }

    enum Block {
        case text(String)
        /// A table: header row, then rows; cells are plain text.
        case table([String], [[String]])
        /// An image file (PNG or GIF) embedded in the page, with a caption.
        case image(URL, caption: String)
        /// Several images side by side.
        case gallery([(URL, caption: String)])
    }

    var title: String
    var subtitle: String
    var sections: [Section] = []

    /// The largest file embedded; a larger one is linked by its path instead, to keep the page light.
    static let embedLimit = 4_000_000

    func html() -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, -apple-system, 'DejaVu Sans', sans-serif; margin: 0; background: #f6f6f3; color: #222; }
        header { background: #1f2430; color: #fff; padding: 18px 28px; }
        header h1 { margin: 0 0 4px 0; font-size: 22px; } header p { margin: 0; color: #c8cad0; font-size: 13px; }
        nav { padding: 10px 28px; background: #e8e8e2; font-size: 13px; } nav a { margin-right: 14px; color: #2a5db0; text-decoration: none; }
        section { background: #fff; margin: 18px 28px; padding: 14px 20px; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
        section h2 { margin: 0 0 2px 0; font-size: 18px; } .source { color: #777; font-size: 12px; margin-bottom: 10px; font-family: monospace; }
        table { border-collapse: collapse; margin: 8px 0 12px 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
        th { background: #f0f0ec; } figure { display: inline-block; margin: 6px 12px 6px 0; vertical-align: top; }
        figure img { max-width: 860px; border: 1px solid #ddd; } .gallery img { max-width: 420px; }
        figcaption { font-size: 12px; color: #555; margin-top: 3px; } p { font-size: 14px; }
        </style></head><body>
        <header><h1>\(escape(title))</h1><p>\(escape(subtitle))</p></header>
        <nav>\(sections.enumerated().map { "<a href=\"#s\($0.offset)\">\(escape($0.element.title))</a>" }.joined())</nav>

        """
        for (index, section) in sections.enumerated() {
            page += "<section id=\"s\(index)\"><h2>\(escape(section.title))</h2><div class=\"source\">\(escape(section.source))</div>\n"
            for block in section.blocks { page += render(block) }
            page += "</section>\n"
        }
        return page + "</body></html>\n"
    }

    private func render(_ block: Block) -> String {
        switch block {
        case .text(let text): return "<p>\(escape(text))</p>\n"
        case let .table(header, rows):
            return "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
                + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>\n"
        case let .image(url, caption): return figure(url, caption) + "\n"
        case .gallery(let items): return "<div class=\"gallery\">" + items.map { figure($0.0, $0.caption) }.joined() + "</div>\n"
        }
    }

    private func figure(_ url: URL, _ caption: String) -> String {
        let type = url.pathExtension.lowercased() == "gif" ? "image/gif" : "image/png"
        guard let data = try? Data(contentsOf: url) else { return "" }
        let image = data.count <= Self.embedLimit
            ? "<img src=\"data:\(type);base64,\(data.base64EncodedString())\" alt=\"\(escape(caption))\">"
            : "<p>(\(escape(url.path)), \(data.count / 1_000_000) MB, not embedded)</p>"
        return "<figure>\(image)<figcaption>\(escape(caption))</figcaption></figure>"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
