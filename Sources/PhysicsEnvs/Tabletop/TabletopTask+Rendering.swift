import Foundation
import SandboxCore
import Rendering

extension TabletopTask {
    /// Draws the table as X-Magical does (`render.py`, `style.py`): background, the white arena with a
    /// grey outline, the goal strip (lightened fill, outline in its colour), the task's marks (Avoiding's
    /// zone, Grouping's spot), the debris, and the robot last with its eyes. Allocentric frames show the
    /// arena × 1.02; egocentric frames turn with the robot, which sits centred 15% up from the bottom.
    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        let extent = Self.viewExtent
        canvas.setDesignSpace(width: extent, height: extent, yUp: true)
        canvas.clear(TabletopPalette.background)
        if view == .egocentric, let scene {
            let p = scene.robotPosition
            canvas.translate(0.5 * extent, 0.15 * extent)
            canvas.rotate(-Double(scene.robot.angle))
            canvas.translate(-Double(p.x), -Double(p.y))
        } else {
            canvas.translate(extent / 2, extent / 2)
        }
        let line = extent / 384 * 2  // x-magical's 2-pixel outlines at 384 px
        let h = Double(TabletopScene.arenaHalfSize)
        canvas.fillPolygon([(-h, -h), (h, -h), (h, h), (-h, h)], fill: TabletopPalette.arena,
                           outline: TabletopPalette.arenaOutline, lineWidth: line)
        let g = SweepToTop.goal
        if objective != .grouping {
            let top = min(Double(g.max.y), h)
            canvas.fillPolygon([(Double(g.min.x) < -h ? -h : Double(g.min.x), Double(g.min.y)), (min(Double(g.max.x), h), Double(g.min.y)),
                                (min(Double(g.max.x), h), top), (max(Double(g.min.x), -h), top)],
                               fill: goalColor.goalFill, outline: goalColor.outline, lineWidth: line)
        }
        if objective == .avoiding {
            let z = Avoiding.zone
            let corners = [(Double(z.min.x), Double(z.min.y)), (Double(z.max.x), Double(z.min.y)),
                           (Double(z.max.x), Double(z.max.y)), (Double(z.min.x), Double(z.max.y))]
            canvas.fillPolygon(corners, fill: Color(196, 202, 222), outline: Color(70, 84, 130), lineWidth: line)
            var x = Double(z.min.x) - Double(z.max.y - z.min.y)
            while x < Double(z.max.x) {  // hatching, clipped to the box by hand
                let x0 = max(x, Double(z.min.x)), y0 = Double(z.min.y) + (x0 - x)
                let x1 = min(x + Double(z.max.y - z.min.y), Double(z.max.x)), y1 = Double(z.min.y) + (x1 - x)
                canvas.line(from: (x0, y0), to: (x1, y1), Color(70, 84, 130), lineWidth: line * 0.75)
                x += 0.08
            }
        }
        if objective == .grouping {
            let s = Grouping.spot
            canvas.fillCircle(center: (Double(s.x), Double(s.y)), radius: Grouping.spotTolerance + 0.02, Color(200, 200, 210))
            canvas.fillCircle(center: (Double(s.x), Double(s.y)), radius: Grouping.spotTolerance, TabletopPalette.arena)
            canvas.fillCircle(center: (Double(s.x), Double(s.y)), radius: 0.025, Color(200, 200, 210))
        }
        guard let scene else { canvas.copy(into: &frame); return }
        for piece in scene.debris {
            let outline = piece.shape.outline.map { v -> (Double, Double) in
                let w = piece.body.worldPoint(v)
                return (Double(w.x), Double(w.y))
            }
            canvas.fillPolygon(outline, fill: piece.palette.fill, outline: piece.palette.outline, lineWidth: line)
        }
        for finger in scene.fingers {
            canvas.drawPolygons(of: finger.body, scale: 1, fill: TabletopPalette.robotFill, outline: TabletopPalette.robotOutline, lineWidth: line)
        }
        let robot = scene.robot
        let r = Double(TabletopBody.radius)
        if body.stickWidth != nil {
            canvas.drawPolygons(of: robot, scale: 1, fill: TabletopPalette.robotFill, outline: TabletopPalette.robotOutline, lineWidth: line)
        } else {
            let p = robot.position
            canvas.fillCircle(center: (Double(p.x), Double(p.y)), radius: r, TabletopPalette.robotOutline)
            canvas.fillCircle(center: (Double(p.x), Double(p.y)), radius: r - line, TabletopPalette.robotFill)
        }
        // Eyes: white discs of radius 0.04 with pupils of 0.024 looking forwards (x-magical's googly eyes).
        let eyes: [Vec2] = body == .gripper ? [Vec2(-0.08, 0.06), Vec2(0.08, 0.06)] : [Vec2(-0.06, 0), Vec2(0.06, 0)]
        for eye in eyes {
            let w = robot.worldPoint(eye), pupil = robot.worldPoint(Vec2(eye.x, eye.y + 0.012))
            canvas.fillCircle(center: (Double(w.x), Double(w.y)), radius: 0.04, .white)
            canvas.fillCircle(center: (Double(pupil.x), Double(pupil.y)), radius: 0.024, Color(40, 40, 48))
        }
        canvas.copy(into: &frame)
    }
}
