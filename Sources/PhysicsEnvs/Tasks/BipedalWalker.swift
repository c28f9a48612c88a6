import Foundation
import SandboxCore
import Rendering

// Constants from Gymnasium 1.x, gymnasium/envs/box2d/bipedal_walker.py (BipedalWalker-v3).
private let framesPerSecond = 50.0
private let scale = 30.0  // pixels per metre
private let motorsTorque = 80.0
private let speedHip = 4.0
private let speedKnee = 6.0
private let lidarRange = 160 / scale
private let initialRandom = 5.0
private let hullPolygon: [(Double, Double)] = [(-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)]
private let legDown = -8 / scale
private let legWidth = 8 / scale, legHeight = 34 / scale
private let viewportWidth = 600.0
private let viewportHeight = 400.0
private let terrainStep = 14 / scale
private let terrainLength = 200  // in steps
private let terrainHeight = viewportHeight / scale / 4
private let terrainGrass = 10  // low long are grass spots, in steps
private let terrainStartpad = 20  // in steps
private let friction = 2.5
private let velocityIterations: Int32 = 6 * 30
private let positionIterations: Int32 = 2 * 30

private let terrainTag: Int32 = 1
private let hullTag: Int32 = 2
private let lowerLegTags: [Int32] = [4, 6]  // legs[1] and legs[3] report ground contact

/// A 4-joint walker on rough terrain: Gymnasium's `BipedalWalker` (and `hardcore=True`).
///
/// **Action space** `Box(-1, 1, (4,))`: hip 1, knee 1, hip 2, knee 2 motor commands. The sign sets the
/// motor speed (±4 rad/s hips, ±6 rad/s knees), the magnitude the torque (up to 80 N·m).
///
/// **Observation space** `Box((24,))`: hull angle, angular velocity, x and y velocity, each joint's
/// angle and speed, each lower leg's ground contact, and 10 lidar fractions (1 = nothing within 160 px).
/// There are no coordinates in the observation.
///
/// **Reward terms** (their sum is Gymnasium's reward):
/// - `forward`: change of 130·x/SCALE, about 300 over the whole course;
/// - `head_angle`: change of −5·|hull angle|;
/// - `motor_torque`: −0.00035·80·|a| summed over the joints;
/// - `fall`: −100 when the hull touches the ground or the walker leaves the left edge (the other terms
///   are 0 on that step, as Gymnasium overrides the reward).
///
/// **Start**: standing at the left end with a random horizontal push of up to 5 N.
///
/// **Termination**: fall, or reaching the far end. **Truncation**: 1600 steps (2000 for hardcore).
///
/// **Hardcore**: the terrain alternates grass with stumps, pits and stairs.
public final class BipedalWalker: EpisodicTask {
    public static let name = "BipedalWalker"
    public static let hardcoreName = "BipedalWalkerHardcore"
    public static let version = 1
    /// The reward terms, in order.
    public enum Term: Int, RewardTerm { case forward, headAngle, motorTorque, fall }
    public static let termNames = Term.names

    public let spec: TaskSpec
    public let options: [String: Double]
    public let hardcore: Bool
    public var clock: EpisodeClock

    private var generator = SeededGenerator(seed: 0)
    fileprivate var world: PhysicsWorld?
    private var terrainBody: PhysicsBody!
    private var hull: PhysicsBody!
    private var legs: [PhysicsBody] = []
    fileprivate var joints: [RevoluteJoint] = []
    private var lowerLegContact = [false, false]
    private var gameOver = false
    /// Why the last step ended the episode (see `terminationReason`).
    private var endReason = "ended"
    private var previousShaping: (forward: Double, head: Double)?
    private var scroll = 0.0
    private var terrainGrassLength = terrainGrass
    private var terrainX: [Double] = []
    private var terrainY: [Double] = []
    private var terrainPolygons: [[(Double, Double)]] = []  // ground under the surface line
    private var obstaclePolygons: [[(Double, Double)]] = []  // stumps, pit walls, stairs
    private var cloudPolygons: [(points: [(Double, Double)], x1: Double, x2: Double)] = []
    private var lidarOrigin = Vec2(0, 0)
    private var lidarFractions: [Float] = []
    private var lidarHits: [Vec2] = []
    /// (sin, cos) of each lidar ray's angle, 1.5·i/10 rad from straight down.
    private static let lidarDirections: [(Double, Double)] = (0..<10).map { (sin(1.5 * Double($0) / 10), cos(1.5 * Double($0) / 10)) }
    private let canvases = CanvasCache()

    public init(hardcore: Bool = false, options: [String: Double] = [:]) throws(EnvironmentError) {
        let defaults = Self.defaultOptions(hardcore: hardcore)
        let name = hardcore ? Self.hardcoreName : Self.name
        let resolved = try resolveOptions(options, defaults: defaults, task: name)
        self.hardcore = hardcore
        self.options = resolved
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        spec = Self.makeSpec(hardcore: hardcore, maxEpisodeSteps: maxEpisodeSteps)
    }

    static func defaultOptions(hardcore: Bool) -> [String: Double] {
        ["max_episode_steps": hardcore ? 2000 : 1600]
    }

    static func makeSpec(hardcore: Bool, maxEpisodeSteps: Int? = nil) -> TaskSpec {
        // Gymnasium's bounds: joint speeds and velocities up to 5× the rated speed.
        let pi = Float.pi
        let low: [Float] = [-pi, -5, -5, -5, -pi, -5, -pi, -5, 0, -pi, -5, -pi, -5, 0] + Array(repeating: -1, count: 10)
        let high: [Float] = [pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5] + Array(repeating: 1, count: 10)
        return TaskSpec(
            name: hardcore ? hardcoreName : name, version: version,
            observationSpace: .box(BoxSpace(low: low, high: high)),
            actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [4])),
            rewardTerms: termNames, maxEpisodeSteps: maxEpisodeSteps ?? (hardcore ? 2000 : 1600),
            framesPerSecond: Int(framesPerSecond), renderWidth: Int(viewportWidth), renderHeight: Int(viewportHeight),
            defaultOptions: defaultOptions(hardcore: hardcore),
            summary: hardcore ? "walk over stumps, pits and stairs; solved at 300 within 2000 steps"
                              : "walk to the far end of rough terrain; solved at 300 within 1600 steps")
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        generator = SeededGenerator(seed: seed)
        let world = PhysicsWorld(gravity: Vec2(0, -10))
        self.world = world
        gameOver = false
        previousShaping = nil
        lowerLegContact = [false, false]
        scroll = 0

        generateTerrain(in: world)
        generateClouds()

        let initX = terrainStep * Double(terrainStartpad) / 2
        let initY = terrainHeight + 2 * legHeight
        hull = world.createBody(.dynamicBody, at: Vec2(initX, initY))
        hull.addPolygon(hullPolygon.map { Vec2($0.0 / scale, $0.1 / scale) },
                        FixtureMaterial(density: 5, friction: 0.1, restitution: 0, categoryBits: 0x0020, maskBits: 0x001, tag: hullTag))
        hull.applyForceToCenter(Vec2(generator.uniform(-initialRandom, initialRandom), 0))

        legs = []
        joints = []
        for (n, i) in [-1.0, 1.0].enumerated() {
            let leg = world.createBody(.dynamicBody, at: Vec2(initX, initY - legHeight / 2 - legDown), angle: Float(i * 0.05))
            leg.addBox(halfWidth: Float(legWidth / 2), halfHeight: Float(legHeight / 2),
                       FixtureMaterial(density: 1, restitution: 0, categoryBits: 0x0020, maskBits: 0x001, tag: Int32(3 + 2 * n)))
            var hip = RevoluteJointDefinition()
            hip.localAnchorA = Vec2(0, legDown)
            hip.localAnchorB = Vec2(0, legHeight / 2)
            hip.enableMotor = true
            hip.enableLimit = true
            hip.maxMotorTorque = Float(motorsTorque)
            hip.motorSpeed = Float(i)
            hip.lowerAngle = -0.8
            hip.upperAngle = 1.1
            legs.append(leg)
            joints.append(world.createRevoluteJoint(hull, leg, hip))

            let lower = world.createBody(.dynamicBody, at: Vec2(initX, initY - legHeight * 3 / 2 - legDown), angle: Float(i * 0.05))
            lower.addBox(halfWidth: Float(0.8 * legWidth / 2), halfHeight: Float(legHeight / 2),
                         FixtureMaterial(density: 1, restitution: 0, categoryBits: 0x0020, maskBits: 0x001, tag: lowerLegTags[n]))
            var knee = RevoluteJointDefinition()
            knee.localAnchorA = Vec2(0, -legHeight / 2)
            knee.localAnchorB = Vec2(0, legHeight / 2)
            knee.enableMotor = true
            knee.enableLimit = true
            knee.maxMotorTorque = Float(motorsTorque)
            knee.motorSpeed = 1
            knee.lowerAngle = -1.6
            knee.upperAngle = -0.1
            legs.append(lower)
            joints.append(world.createRevoluteJoint(leg, lower, knee))
        }
        return advance([0, 0, 0, 0]).observation
    }

    /// Gymnasium's terrain generator: grass with random slope changes, and in hardcore mode stumps,
    /// stairs and pits between grass stretches.
    private func generateTerrain(in world: PhysicsWorld) {
        enum State: Int { case grass = 0, stump, stairs, pit }
        let stateCount = 4
        terrainGrassLength = terrainGrass
        var state = State.grass
        var velocity = 0.0
        var y = terrainHeight
        var counter = terrainStartpad
        var oneshot = false
        terrainX = []
        terrainY = []
        obstaclePolygons = []
        var stairSteps = 0, stairWidth = 0, stairHeight = 0
        var originalY = 0.0

        terrainBody = world.createBody(.staticBody, at: Vec2(0, 0))
        let polygonMaterial = FixtureMaterial(friction: Float(friction), tag: terrainTag)
        func addObstacle(_ polygon: [(Double, Double)]) {
            terrainBody.addPolygon(polygon.map { Vec2($0.0, $0.1) }, polygonMaterial)
            obstaclePolygons.append(polygon)
        }

        for i in 0..<terrainLength {
            let x = Double(i) * terrainStep
            terrainX.append(x)
            switch (state, oneshot) {
            case (.grass, false):
                velocity = 0.8 * velocity + 0.01 * sign(terrainHeight - y)
                if i > terrainStartpad { velocity += generator.uniform(-1, 1) / scale }
                y += velocity
            case (.pit, true):
                counter = generator.integer(3, 5)
                let polygon = [(x, y), (x + terrainStep, y), (x + terrainStep, y - 4 * terrainStep), (x, y - 4 * terrainStep)]
                addObstacle(polygon)
                addObstacle(polygon.map { ($0.0 + terrainStep * Double(counter), $0.1) })
                counter += 2
                originalY = y
            case (.pit, false):
                y = originalY
                if counter > 1 { y -= 4 * terrainStep }
            case (.stump, true):
                counter = generator.integer(1, 3)
                let size = Double(counter) * terrainStep
                addObstacle([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
            case (.stairs, true):
                stairHeight = generator.uniform(0, 1) > 0.5 ? 1 : -1
                stairWidth = generator.integer(4, 5)
                stairSteps = generator.integer(3, 5)
                originalY = y
                for s in 0..<stairSteps {
                    let x0 = x + Double(s * stairWidth) * terrainStep, x1 = x + Double((1 + s) * stairWidth) * terrainStep
                    let yTop = y + Double(s * stairHeight) * terrainStep, yBottom = y + Double(-1 + s * stairHeight) * terrainStep
                    addObstacle([(x0, yTop), (x1, yTop), (x1, yBottom), (x0, yBottom)])
                }
                counter = stairSteps * stairWidth
            case (.stairs, false):
                let s = Double(stairSteps * stairWidth - counter - stairHeight)
                let n = s / Double(stairWidth)
                y = originalY + (n * Double(stairHeight)) * terrainStep
            default:
                break
            }
            oneshot = false
            terrainY.append(y)
            counter -= 1
            if counter == 0 {
                counter = generator.integer(terrainGrassLength / 2, terrainGrassLength)
                if state == .grass && hardcore {
                    state = State(rawValue: generator.integer(1, stateCount))!
                } else {
                    state = .grass
                }
                oneshot = true
            }
        }

        terrainPolygons = []
        let edgeMaterial = FixtureMaterial(friction: Float(friction), categoryBits: 0x0001, tag: terrainTag)
        for i in 0..<(terrainLength - 1) {
            terrainBody.addEdge(Vec2(terrainX[i], terrainY[i]), Vec2(terrainX[i + 1], terrainY[i + 1]), edgeMaterial)
            terrainPolygons.append([(terrainX[i], terrainY[i]), (terrainX[i + 1], terrainY[i + 1]), (terrainX[i + 1], 0), (terrainX[i], 0)])
        }
    }

    private func generateClouds() {
        cloudPolygons = []
        for _ in 0..<(terrainLength / 20) {
            let x = generator.uniform(0, Double(terrainLength)) * terrainStep
            let y = viewportHeight / scale * 3 / 4
            let points = (0..<5).map { a -> (Double, Double) in
                let px = x + 15 * terrainStep * sin(3.14 * 2 * Double(a) / 5) + generator.uniform(0, 5 * terrainStep)
                let py = y + 5 * terrainStep * cos(3.14 * 2 * Double(a) / 5) + generator.uniform(0, 5 * terrainStep)
                return (px, py)
            }
            cloudPolygons.append((points, points.map(\.0).min()!, points.map(\.0).max()!))
        }
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        guard let world else { fatalError("advance before reset") }
        let speeds = [speedHip, speedKnee, speedHip, speedKnee]
        for j in 0..<4 {
            let a = Double(action[j])
            joints[j].setMotorSpeed(Float(speeds[j] * (a > 0 ? 1 : (a < 0 ? -1 : 0))))
            joints[j].setMaxMotorTorque(Float(motorsTorque * min(abs(a), 1)))
        }

        world.step(Float(1 / framesPerSecond), velocityIterations: velocityIterations, positionIterations: positionIterations)
        for event in world.drainContactEvents() {
            if event.begin && event.involves(hullTag) { gameOver = true }
            for n in 0..<2 where event.involves(lowerLegTags[n]) { lowerLegContact[n] = event.begin }
        }

        let position = hull.position
        let velocity = hull.linearVelocity
        // Ten lidar rays fanning from straight down to 1.5 rad forward; each reports its closest hit.
        let ends = Self.lidarDirections.map { Vec2(Double(position.x) + $0.0 * lidarRange, Double(position.y) - $0.1 * lidarRange) }
        world.rayCastFan(from: position, to: ends, categoryMask: 0x0001, fractions: &lidarFractions, points: &lidarHits)
        lidarOrigin = position

        var state: [Double] = [
            Double(hull.angle),  // normal angles up to 0.5 here, but more is possible
            2 * Double(hull.angularVelocity) / framesPerSecond,
            0.3 * Double(velocity.x) * (viewportWidth / scale) / framesPerSecond,  // normalised to about −1...1
            0.3 * Double(velocity.y) * (viewportHeight / scale) / framesPerSecond,
            Double(joints[0].angle),
            Double(joints[0].speed) / speedHip,
            Double(joints[1].angle) + 1,
            Double(joints[1].speed) / speedKnee,
            lowerLegContact[0] ? 1 : 0,
            Double(joints[2].angle),
            Double(joints[2].speed) / speedHip,
            Double(joints[3].angle) + 1,
            Double(joints[3].speed) / speedKnee,
            lowerLegContact[1] ? 1 : 0,
        ]
        state += lidarFractions.map(Double.init)
        scroll = Double(position.x) - viewportWidth / scale / 5

        let forwardShaping = 130 * Double(position.x) / scale  // about 300 on reaching the end
        let headShaping = -5 * abs(state[0])  // keep the head straight
        var terms = TermValues<Term>()
        if let previous = previousShaping {
            terms[.forward] = forwardShaping - previous.forward
            terms[.headAngle] = headShaping - previous.head
        }
        previousShaping = (forwardShaping, headShaping)
        for a in action { terms[.motorTorque] -= 0.00035 * motorsTorque * min(abs(Double(a)), 1) }

        var terminated = false
        if gameOver || position.x < 0 {
            terms = .only(.fall, -100)
            terminated = true
            endReason = "fell"
        }
        if Double(position.x) > Double(terrainLength - terrainGrassLength) * terrainStep {
            terminated = true
            endReason = "reached the end"
        }
        return StepResult(observation: state.map(Float.init), reward: terms.total, terms: terms.values,
                          isTerminated: terminated, isTruncated: false, info: [:])
    }

    // MARK: render

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        canvas.setDesignSpace(width: viewportWidth, height: viewportHeight, yUp: true)
        canvas.clear(Color(215, 215, 255))
        let left = max(0, scroll) * scale  // Gymnasium keeps the rightmost 600 pixels of a surface 600 + scroll wide
        canvas.translate(-left, 0)
        for cloud in cloudPolygons {
            if cloud.x2 < scroll / 2 || cloud.x1 > scroll / 2 + viewportWidth / scale { continue }
            canvas.fillPolygon(cloud.points.map { ($0.0 * scale + scroll * scale / 2, $0.1 * scale) }, .white)
        }
        // The ground: Gymnasium fills one quad per visible terrain segment down to y = 0; their union
        // is one polygon, filled at once.
        let visible = terrainPolygons.filter { !($0[1].0 < scroll || $0[0].0 > scroll + viewportWidth / scale) }
        if let first = visible.first, let last = visible.last {
            let ground = [first[0]] + visible.map { $0[1] } + [last[2], first[3]]
            canvas.fillPolygon(ground.map { ($0.0 * scale, $0.1 * scale) }, Color(102, 153, 76))
        }
        for polygon in obstaclePolygons {
            canvas.fillPolygon(polygon.map { ($0.0 * scale, $0.1 * scale) }, fill: .white, outline: Color(153, 153, 153))
        }
        for i in 0..<max(0, terrainX.count - 1) {
            if terrainX[i + 1] < scroll || terrainX[i] > scroll + viewportWidth / scale { continue }
            canvas.line(from: (terrainX[i] * scale, terrainY[i] * scale), to: (terrainX[i + 1] * scale, terrainY[i + 1] * scale),
                        Color(76, i % 2 == 0 ? 255 : 204, 76))
        }
        // One lidar ray at a time, sweeping as Gymnasium's renderer does.
        let sweep = elapsedSteps % 100
        if sweep < 2 * lidarHits.count {
            let hit = lidarHits[sweep < lidarHits.count ? sweep : 2 * lidarHits.count - sweep - 1]
            canvas.line(from: (Double(lidarOrigin.x) * scale, Double(lidarOrigin.y) * scale), to: (Double(hit.x) * scale, Double(hit.y) * scale), Color(255, 0, 0))
        }
        if world != nil {
            for (index, body) in (legs + [hull!]).enumerated() {
                let fill: Color, outline: Color
                if index < legs.count {
                    let i = index < 2 ? -1.0 : 1.0
                    fill = Color(153 - i * 25, 76 - i * 25, 127 - i * 25)
                    outline = Color(102 - i * 25, 51 - i * 25, 76 - i * 25)
                } else {
                    fill = Color(127, 51, 229)
                    outline = Color(76, 76, 127)
                }
                canvas.drawPolygons(of: body, scale: scale, fill: fill, outline: outline)
            }
        }
        let flagY1 = terrainHeight * scale, flagY2 = flagY1 + 50, flagX = terrainStep * 3 * scale
        canvas.line(from: (flagX, flagY1), to: (flagX, flagY2), .black)
        let flag = [(flagX, flagY2), (flagX, flagY2 - 10), (flagX + 25, flagY2 - 5)]
        canvas.fillPolygon(flag, fill: Color(230, 51, 0), outline: .black)
        canvas.copy(into: &frame)
    }

    public func makeHeuristic() -> any Controller { BipedalWalkerHeuristic() }
    public var terminationReason: String { endReason }
}

/// Gymnasium's `BipedalWalkerHeuristics`: a gait state machine (stand on one leg, put the other
/// down, push off). It has no notion of balance and walks the normal course slowly.
public final class BipedalWalkerHeuristic: Controller {
    private enum Phase { case stayOnOneLeg, putOtherDown, pushOff }
    private static let speed = 0.29  // falls forward at higher speed
    private static let supportKneeAngle = 0.1
    private var phase = Phase.stayOnOneLeg
    private var movingLeg = 0
    private var supportingLeg = 1
    private var supportingKneeAngle = BipedalWalkerHeuristic.supportKneeAngle

    public init() {}

    public func action(for observation: [Float]) -> [Float] {
        let s = observation.map(Double.init)
        let movingBase = 4 + 5 * movingLeg
        let supportingBase = 4 + 5 * supportingLeg
        var hipTarget: [Double?] = [nil, nil]  // −0.8 ... +1.1
        var kneeTarget: [Double?] = [nil, nil]  // −0.6 ... +0.9
        var hipTodo = [0.0, 0.0], kneeTodo = [0.0, 0.0]

        if phase == .stayOnOneLeg {
            hipTarget[movingLeg] = 1.1
            kneeTarget[movingLeg] = -0.6
            supportingKneeAngle += 0.03
            if s[2] > Self.speed { supportingKneeAngle += 0.03 }
            supportingKneeAngle = min(supportingKneeAngle, Self.supportKneeAngle)
            kneeTarget[supportingLeg] = supportingKneeAngle
            if s[supportingBase] < 0.10 { phase = .putOtherDown }  // supporting leg is behind
        }
        if phase == .putOtherDown {
            hipTarget[movingLeg] = 0.1
            kneeTarget[movingLeg] = Self.supportKneeAngle
            kneeTarget[supportingLeg] = supportingKneeAngle
            if s[movingBase + 4] != 0 {
                phase = .pushOff
                supportingKneeAngle = min(s[movingBase + 2], Self.supportKneeAngle)
            }
        }
        if phase == .pushOff {
            kneeTarget[movingLeg] = supportingKneeAngle
            kneeTarget[supportingLeg] = 1.0
            if s[supportingBase + 2] > 0.88 || s[2] > 1.2 * Self.speed {
                phase = .stayOnOneLeg
                movingLeg = 1 - movingLeg
                supportingLeg = 1 - movingLeg
            }
        }
        // Python's truthiness: a target of exactly 0 counts as unset.
        if let t = hipTarget[0], t != 0 { hipTodo[0] = 0.9 * (t - s[4]) - 0.25 * s[5] }
        if let t = hipTarget[1], t != 0 { hipTodo[1] = 0.9 * (t - s[9]) - 0.25 * s[10] }
        if let t = kneeTarget[0], t != 0 { kneeTodo[0] = 4.0 * (t - s[6]) - 0.25 * s[7] }
        if let t = kneeTarget[1], t != 0 { kneeTodo[1] = 4.0 * (t - s[11]) - 0.25 * s[12] }

        hipTodo[0] -= 0.9 * (0 - s[0]) - 1.5 * s[1]  // PID to keep the head straight
        hipTodo[1] -= 0.9 * (0 - s[0]) - 1.5 * s[1]
        kneeTodo[0] -= 15.0 * s[3]  // vertical speed, to damp oscillations
        kneeTodo[1] -= 15.0 * s[3]

        return [hipTodo[0], kneeTodo[0], hipTodo[1], kneeTodo[1]].map { Float(min(max(0.5 * $0, -1), 1)) }
    }
}

/// numpy's `sign`: −1, 0 or 1.
func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }

extension BipedalWalker {
    /// Sets the motors from `action` (as `step` does) and advances the Box2D world once, with nothing
    /// else: no lidar, observation, reward or checks. Benchmarks compare a full `step` against this to
    /// show how much of a step is the physics solver. Call after `reset(seed:)`.
    public func stepWorldOnly(_ action: [Float]) {
        guard let world else { return }
        let speeds = [speedHip, speedKnee, speedHip, speedKnee]
        for j in 0..<4 {
            joints[j].setMotorSpeed(Float(speeds[j] * sign(Double(action[j]))))
            joints[j].setMaxMotorTorque(Float(motorsTorque * min(abs(Double(action[j])), 1)))
        }
        world.step(Float(1 / framesPerSecond), velocityIterations: velocityIterations, positionIterations: positionIterations)
        _ = world.drainContactEvents()
    }
}
