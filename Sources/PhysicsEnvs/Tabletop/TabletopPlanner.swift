import Foundation

/// Time-optimal driving for the tabletop experts: a hybrid A* search over the robot's kinematics
/// (unicycle: target speed ±0.8 units/s or 0, reached at the drive's acceleration of 5 N over the
/// robot's mass; turn rate ±2.5 rad/s or 0; 0.125 s per step) from its pose and speed to a goal pose,
/// around the debris, the walls and, on Avoiding, the off-limits zone.
///
/// The search counts environment steps, so it finds the manoeuvres a person would use: reversing on an
/// arc away from a piece just pushed, driving diagonally to the next one, and turning while moving
/// instead of on the spot. The expert replans every step, which absorbs what the kinematic model leaves
/// out (the drive's acceleration limits, pushes).
///
/// Nodes are deduplicated on a grid of 0.04 units × 20 headings (one step's full turn, 0.3125 rad,
/// is about one heading cell); the search gives up after `expansionLimit` nodes.
struct TabletopPlanner {
    /// A pose: position (units) and heading (radians, 0 facing +y, counter-clockwise).
    struct Pose {
        var x: Float
        var y: Float
        var heading: Float
        /// Forward speed, units/s (negative when reversing).
        var speed: Float = 0
        /// Turn rate, rad/s.
        var turn: Float = 0
    }

    /// A disc the robot must keep out of: centre and radius (units).
    struct Obstacle {
        var center: Vec2
        var radius: Float
    }

    /// The robot's footprint as discs in its own frame (x across the heading to the right... see
    /// `footprint(of:)`), used for collision checks.
    let footprint: [(point: Vec2, radius: Float)]
    var obstacles: [Obstacle] = []
    /// A box the robot's centre must stay out of (Avoiding's zone, grown by a margin), if any.
    var keepOut: (min: Vec2, max: Vec2)?

    static let stepSeconds: Float = 0.125
    static let speed: Float = 0.8
    static let turnRate: Float = 2.5
    static let cell: Float = 0.04
    static let headingBins = 20
    /// Speed cells for deduplication: −0.8, −0.4, 0, 0.4, 0.8 units/s; turn-rate cells likewise.
    static let speedBins = 5
    /// Nodes expanded before the search gives up. Most searches end within 12,000; the rest (a goal
    /// behind the debris, the medium stick turning between pieces) need up to four times more.
    static let expansionLimit = 48_000
    /// The node table's first allocation: a typical search's nodes, not the limit's, since the planner
    /// runs every step.
    static let typicalExpansions = 12_000
    static let arena: Float = 1.1

    /// How much the speed can change in one step, units/s: the drive's 5 N over the robot's mass (1 kg,
    /// plus the gripper's two 1/8 kg fingers), for 0.125 s.
    let speedChange: Float
    /// How much the turn rate can change in one step, rad/s: the drive's 1 N·m over the body's moment
    /// of inertia (a blade's m(w² + t²)/12; the gripper's disc m r²/2 plus its fingers, about 0.03).
    let turnChange: Float

    init(body: TabletopBody) {
        footprint = Self.footprint(of: body)
        let mass = TabletopBody.mass + (body == .gripper ? 2 * TabletopBody.fingerMass : 0)
        speedChange = 5 / mass * Self.stepSeconds
        turnChange = 1 / body.inertia * Self.stepSeconds
    }

    /// Discs covering a body, in the robot frame (x to the robot's left is −x here: points are
    /// (across, forward)). Blades: discs of radius 0.05 every ≤ 0.05 along the blade. Gripper: its disc
    /// (radius 0.2) and its open fingers (pivot (±0.09, 0.02), upper arm 0.22 turned π/8 out, forearm
    /// 0.14 straight ahead, so the tips sit at (±0.174, 0.363)).
    static func footprint(of body: TabletopBody) -> [(point: Vec2, radius: Float)] {
        if let width = body.stickWidth {
            let half = width / 2 - 0.05
            let count = Swift.max(1, Int((2 * half / 0.05).rounded(.up)))
            return (0...count).map { i in (Vec2(-half + 2 * half * Float(i) / Float(count), 0), Float(0.05)) }
        }
        var discs: [(point: Vec2, radius: Float)] = [(Vec2(0, 0), 0.2)]
        for side: Float in [-1, 1] {
            for p in [Vec2(0.13, 0.12), Vec2(0.174, 0.223), Vec2(0.174, 0.293), Vec2(0.174, 0.363)] {
                discs.append((Vec2(side * p.x, p.y), 0.03))
            }
        }
        return discs
    }

    /// How deep the pose is in collision: the largest overlap over footprint discs and obstacles,
    /// walls and the keep-out box (0 when free).
    func penetration(_ pose: Pose) -> Float {
        let c = cos(pose.heading), s = sin(pose.heading)
        var worst: Float = 0
        if let box = keepOut, pose.x > box.min.x, pose.x < box.max.x, pose.y > box.min.y, pose.y < box.max.y {
            worst = Swift.min(Swift.min(pose.x - box.min.x, box.max.x - pose.x), Swift.min(pose.y - box.min.y, box.max.y - pose.y))
        }
        for disc in footprint {
            // Robot frame (across, forward) to world: forward is (−sin, cos), across (cos, sin).
            let wx = pose.x + disc.point.x * c - disc.point.y * s
            let wy = pose.y + disc.point.x * s + disc.point.y * c
            let limit = Self.arena - disc.radius
            worst = Swift.max(worst, abs(wx) - limit, abs(wy) - limit)
            for o in obstacles {
                let dx = wx - o.center.x, dy = wy - o.center.y
                let reach = o.radius + disc.radius
                let d2 = dx * dx + dy * dy
                if d2 < reach * reach { worst = Swift.max(worst, reach - d2.squareRoot()) }
            }
        }
        return worst
    }

    /// One step of the kinematic model with target speed `v` (units/s) and turn rate `w` (rad/s).
    func advance(_ p: Pose, v: Float, w: Float) -> Pose {
        let next = p.speed + Swift.max(-speedChange, Swift.min(speedChange, v - p.speed))
        let nextTurn = p.turn + Swift.max(-turnChange, Swift.min(turnChange, w - p.turn))
        let travelled = 0.5 * (p.speed + next) * Self.stepSeconds
        let turned = 0.5 * (p.turn + nextTurn) * Self.stepSeconds
        let mid = p.heading + 0.5 * turned
        return Pose(x: p.x - travelled * sin(mid), y: p.y + travelled * cos(mid),
                    heading: p.heading + turned, speed: next, turn: nextTurn)
    }

    private static let moves: [(v: Float, w: Float)] = {
        var m: [(Float, Float)] = []
        for v: Float in [speed, -speed, 0] { for w: Float in [0, turnRate, -turnRate] where v != 0 || w != 0 { m.append((v, w)) } }
        return m
    }()

    /// The first step (speed, turn rate) of a fastest path from `start` to within `tolerance` units and
    /// `headingTolerance` radians of `goal`, or nil when none is found within the expansion limit.
    /// Obstacles the start already touches are ignored only as deep as they are at the start, so the
    /// robot can back out of contact.
    func firstMove(from start: Pose, to goal: Pose, tolerance: Float = 0.04, headingTolerance: Float = 0.2)
        -> (v: Float, w: Float, steps: Int)? {
        let allowance = penetration(start) + 1e-4
        let n = Int((2 * Self.arena / Self.cell).rounded(.up)) + 1
        let bins = Self.headingBins, speeds = Self.speedBins
        var best: [Int: Int32] = [:]
        best.reserveCapacity(4 * Self.typicalExpansions)
        func key(_ p: Pose) -> Int {
            let ix = Swift.max(0, Swift.min(n - 1, Int(((p.x + Self.arena) / Self.cell).rounded())))
            let iy = Swift.max(0, Swift.min(n - 1, Int(((p.y + Self.arena) / Self.cell).rounded())))
            var h = p.heading.remainder(dividingBy: 2 * .pi)
            if h < 0 { h += 2 * .pi }
            let ih = Int((h / (2 * .pi) * Float(bins)).rounded()) % bins
            let iv = Swift.max(0, Swift.min(speeds - 1, Int(((p.speed + Self.speed) / (2 * Self.speed) * Float(speeds - 1)).rounded())))
            let iw = Swift.max(0, Swift.min(speeds - 1, Int(((p.turn + Self.turnRate) / (2 * Self.turnRate) * Float(speeds - 1)).rounded())))
            return (((ix * n + iy) * bins + ih) * speeds + iv) * speeds + iw
        }
        func estimate(_ p: Pose) -> Float {
            let d = ((p.x - goal.x) * (p.x - goal.x) + (p.y - goal.y) * (p.y - goal.y)).squareRoot()
            let a = abs((p.heading - goal.heading).remainder(dividingBy: 2 * .pi))
            return Swift.max(Swift.max(0, d - tolerance) / (Self.speed * Self.stepSeconds),
                             Swift.max(0, a - headingTolerance) / (Self.turnRate * Self.stepSeconds))
        }
        func reached(_ p: Pose) -> Bool {
            let d2 = (p.x - goal.x) * (p.x - goal.x) + (p.y - goal.y) * (p.y - goal.y)
            return d2 <= tolerance * tolerance && abs((p.heading - goal.heading).remainder(dividingBy: 2 * .pi)) <= headingTolerance
        }
        if reached(start) { return (0, 0, 0) }
        struct Node { var pose: Pose; var g: Int32; var first: Int8 }
        var nodes: [Node] = [Node(pose: start, g: 0, first: -1)]
        // Binary heap of (f, node index), weighted A* (f = g + 1.2 h) for speed.
        var heap: [(f: Float, i: Int32)] = [(1.2 * estimate(start), 0)]
        func push(_ f: Float, _ i: Int32) {
            heap.append((f, i))
            var c = heap.count - 1
            while c > 0 { let p = (c - 1) / 2; if heap[p].f <= heap[c].f { break }; heap.swapAt(p, c); c = p }
        }
        func pop() -> Int32 {
            let top = heap[0].i
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var p = 0
                while true {
                    let l = 2 * p + 1, r = l + 1
                    var m = p
                    if l < heap.count, heap[l].f < heap[m].f { m = l }
                    if r < heap.count, heap[r].f < heap[m].f { m = r }
                    if m == p { break }
                    heap.swapAt(p, m); p = m
                }
            }
            return top
        }
        best[key(start)] = 0
        var expanded = 0
        while !heap.isEmpty, expanded < Self.expansionLimit {
            let index = Int(pop())
            let node = nodes[index]
            expanded += 1
            for (m, move) in Self.moves.enumerated() {
                let next = advance(node.pose, v: move.v, w: move.w)
                if penetration(next) > allowance { continue }
                let first = node.first < 0 ? Int8(m) : node.first
                let g = node.g + 1
                if reached(next) {
                    let chosen = Self.moves[Int(first)]
                    return (chosen.v, chosen.w, Int(g))
                }
                let k = key(next)
                if let known = best[k], known <= g { continue }
                best[k] = g
                nodes.append(Node(pose: next, g: g, first: first))
                push(Float(g) + 1.2 * estimate(next), Int32(nodes.count - 1))
            }
        }
        return nil
    }
}
