import SandboxCore
internal import CCairo
internal import CPixels
import Foundation

/// An RGB colour with components in 0...255, as Gymnasium's renderers specify them.
public struct Color: Sendable, Equatable {
    public var r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    public static let black = Color(0, 0, 0)
    public static let white = Color(255, 255, 255)
}

/// An offscreen, anti-aliased Cairo drawing surface. No display is needed. Tasks, clips, plots and the
/// labelling window draw with it.
///
/// Tasks draw in their own "design" coordinates (Gymnasium's window pixels, y up or down) and the
/// canvas maps them onto whatever pixel size was asked for.
public final class Canvas {
    public let width: Int
    public let height: Int
    private let surface: OpaquePointer
    private let context: OpaquePointer

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        context = cairo_create(surface)
        cairo_set_antialias(context, CAIRO_ANTIALIAS_FAST)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Resets the transform so that a `designWidth` × `designHeight` area fills the canvas.
    /// With `yUp`, design y grows upwards (Box2D's convention, which Gymnasium flips at the end).
    public func setDesignSpace(width designWidth: Double, height designHeight: Double, yUp: Bool) {
        cairo_identity_matrix(context)
        let sx = Double(width) / designWidth, sy = Double(height) / designHeight
        if yUp {
            cairo_translate(context, 0, Double(height))
            cairo_scale(context, sx, -sy)
        } else {
            cairo_scale(context, sx, sy)
        }
    }

    public func translate(_ dx: Double, _ dy: Double) { cairo_translate(context, dx, dy) }
    public func rotate(_ radians: Double) { cairo_rotate(context, radians) }
    public func scale(_ sx: Double, _ sy: Double) { cairo_scale(context, sx, sy) }
    public func save() { cairo_save(context) }
    public func restore() { cairo_restore(context) }

    public func clear(_ color: Color) {
        cairo_save(context)
        cairo_identity_matrix(context)
        setColor(color)
        cairo_paint(context)
        cairo_restore(context)
    }

    private func setColor(_ c: Color, alpha: Double = 1) {
        if alpha >= 1 {
            cairo_set_source_rgb(context, c.r / 255, c.g / 255, c.b / 255)
        } else {
            cairo_set_source_rgba(context, c.r / 255, c.g / 255, c.b / 255, alpha)
        }
    }

    private func path(_ points: [(Double, Double)], close: Bool) {
        guard let first = points.first else { return }
        cairo_new_path(context)
        cairo_move_to(context, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(context, p.0, p.1) }
        if close { cairo_close_path(context) }
    }

    public func fillPolygon(_ points: [(Double, Double)], _ color: Color, alpha: Double = 1) {
        path(points, close: true)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    /// Fills and outlines a polygon, as Gymnasium draws bodies (`color1` fill, `color2` outline).
    public func fillPolygon(_ points: [(Double, Double)], fill: Color, outline: Color, lineWidth: Double = 1) {
        path(points, close: true)
        setColor(fill)
        cairo_fill_preserve(context)
        setColor(outline)
        setDeviceLineWidth(lineWidth)
        cairo_stroke(context)
    }

    public func strokePolyline(_ points: [(Double, Double)], _ color: Color, lineWidth: Double = 1, close: Bool = false) {
        path(points, close: close)
        setColor(color)
        setDeviceLineWidth(lineWidth)
        cairo_stroke(context)
    }

    public func line(from a: (Double, Double), to b: (Double, Double), _ color: Color, lineWidth: Double = 1) {
        strokePolyline([a, b], color, lineWidth: lineWidth)
    }

    public func fillCircle(center: (Double, Double), radius: Double, _ color: Color) {
        cairo_new_path(context)
        cairo_arc(context, center.0, center.1, radius, 0, 2 * Double.pi)
        setColor(color)
        cairo_fill(context)
    }

    /// Line widths are given in design units but never drawn thinner than one output pixel.
    private func setDeviceLineWidth(_ width: Double) {
        var dx = width, dy = 0.0
        cairo_user_to_device_distance(context, &dx, &dy)
        let deviceWidth = (dx * dx + dy * dy).squareRoot()
        if deviceWidth < 1 {
            var ux = 1.0, uy = 0.0
            cairo_device_to_user_distance(context, &ux, &uy)
            cairo_set_line_width(context, (ux * ux + uy * uy).squareRoot())
        } else {
            cairo_set_line_width(context, width)
        }
    }

    /// Draws text in device pixels with its top-left corner at (x, y), whatever the current transform.
    public func text(_ string: String, x: Double, y: Double, size: Double, _ color: Color, bold: Bool = true) {
        cairo_save(context)
        cairo_identity_matrix(context)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        cairo_move_to(context, x, y + extents.ascent)
        setColor(color)
        cairo_show_text(context, string)
        cairo_restore(context)
    }

    /// Width in device pixels of `string` at `size`.
    public func textWidth(_ string: String, size: Double, bold: Bool = true) -> Double {
        cairo_save(context)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        cairo_restore(context)
        return extents.x_advance
    }

    /// The largest font size, at most `size` and at least `minimumSize`, at which `string` is no wider
    /// than `width` device pixels: titles shrink to fit instead of running off the image.
    public func fittingSize(_ string: String, width: Double, size: Double, minimumSize: Double = 8,
                            bold: Bool = true) -> Double {
        var fitted = size
        while fitted > minimumSize, textWidth(string, size: fitted, bold: bold) > width {
            fitted = Swift.max(minimumSize, fitted - 0.5)
        }
        return fitted
    }

    /// Draws a frame scaled into the device rectangle (x, y, w, h).
    public func draw(_ frame: Frame, x: Double, y: Double, width w: Double, height h: Double) {
        let image = Canvas.surface(from: frame)
        defer { cairo_surface_destroy(image) }
        cairo_save(context)
        cairo_identity_matrix(context)
        cairo_translate(context, x, y)
        cairo_scale(context, w / Double(frame.width), h / Double(frame.height))
        cairo_set_source_surface(context, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_GOOD)
        cairo_paint(context)
        cairo_restore(context)
    }

    /// The canvas as an RGB frame.
    public func frame() -> Frame {
        var frame = Frame(uninitializedWidth: width, height: height)
        copy(into: &frame)
        return frame
    }

    /// Copies the canvas into `frame`, reusing its storage (no allocation when `frame` is uniquely held).
    public func copy(into frame: inout Frame) {
        precondition(frame.width == width && frame.height == height, "frame size differs from the canvas")
        cairo_surface_flush(surface)
        let stride = cairo_image_surface_get_stride(surface)
        let data = cairo_image_surface_get_data(surface)!
        let (w, h) = (Int32(width), Int32(height))
        frame.pixels.withUnsafeMutableBufferPointer { cpixels_xrgb_to_rgb(data, stride, w, h, $0.baseAddress!) }
    }

    /// A Cairo image surface holding `frame` (caller destroys it).
    static func surface(from frame: Frame) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(frame.width), Int32(frame.height))!
        frame.pixels.withUnsafeBufferPointer { source in
            cpixels_rgb_to_xrgb(source.baseAddress!, Int32(frame.width), Int32(frame.height),
                                cairo_image_surface_get_stride(surface), cairo_image_surface_get_data(surface)!)
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }
}

/// Reuses one canvas per size, so that rendering every step allocates nothing new.
public final class CanvasCache {
    public init() {}
    private var canvas: Canvas?
    public func canvas(width: Int, height: Int) -> Canvas {
        if let c = canvas, c.width == width, c.height == height { return c }
        let c = Canvas(width: width, height: height)
        canvas = c
        return c
    }
}
