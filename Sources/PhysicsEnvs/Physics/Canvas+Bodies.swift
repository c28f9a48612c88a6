import Rendering
extension Canvas {
    /// Fills and outlines a body's polygons at `scale` design units per metre, as Gymnasium draws
    /// bodies (`color1` fill, `color2` outline).
    func drawPolygons(of body: PhysicsBody, scale: Double, fill: Color, outline: Color, lineWidth: Double = 1) {
        for case let .polygon(vertices) in body.shapes {
            let path = vertices.map { v -> (Double, Double) in
                let p = body.worldPoint(v)
                return (Double(p.x) * scale, Double(p.y) * scale)
            }
            fillPolygon(path, fill: fill, outline: outline, lineWidth: lineWidth)
        }
    }
}
