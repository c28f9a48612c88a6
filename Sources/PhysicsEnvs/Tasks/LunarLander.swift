import Foundation
import SandboxCore
import Rendering

// Constants from Gymnasium 1.x, gymnasium/envs/box2d/lunar_lander.py (LunarLander-v3, continuous=True).
private let framesPerSecond = 50.0
private let scale = 30.0  // pixels per metre
private let mainEnginePower = 13.0
private let sideEnginePower = 0.6
private let initialRandom = 1000.0  // newtons, range of the random initial force
private let landerPolygon: [(Double, Double)] = [(-14, 17), (-17, 0), (-17, -10), (17, -10), (17, 0), (14, 17)]
private let legAway = 20.0
private let legDown = 18.0
private let legWidth = 2.0, legHeight = 8.0
private let legSpringTorque = 40.0
private let sideEngineHeight = 14.0
private let sideEngineAway = 12.0
private let viewportWidth = 600.0
private let viewportHeight = 400.0
private let terrainChunks = 11
private let velocityIterations: Int32 = 6 * 30  // Gymnasium steps Box2D with 180 / 60 iterations
private let positionIterations: Int32 = 2 * 30

// Fixture tags, reported in contact events.
private let moonTag: Int32 = 1
private let landerTag: Int32 = 2
private let legTags: [Int32] = [3, 4]

/// Land a rocket on the pad: Gymnasium's `LunarLander` with `continuous=True`.
///
/// **Action space** `Box(-1, 1, (2,))`: main-engine throttle (off below 0, 50–100 % from 0 to 1) and
/// lateral booster (left below −0.5, right above 0.5, 50–100 % throttle from 0.5 to 1).
///
/// **Observation space** `Box((8,))`: x and y relative to the pad (normalised by half the viewport),
/// x and y velocity, angle, angular velocity, and left / right leg contact (0 or 1). Bounds are
/// Gymnasium 1.x's: ±2.5, ±2.5, ±10, ±10, ±2π, ±10, [0, 1], [0, 1].
///
/// **Reward terms** (their sum is Gymnasium's reward):
/// - `distance`, `speed`, `tilt`, `leg_contact`: the change of each part of the shaping potential
///   −100·‖position‖ − 100·‖velocity‖ − 100·|angle| + 10 per leg in contact;
/// - `main_engine`: −0.3 per step at full throttle; `side_engine`: −0.03;
/// - `crash`: −100 when the body touches the ground or x leaves [−1, 1]; `landing`: +100 when the lander
///   comes to rest. On those final steps the other terms are 0, as Gymnasium overrides the reward.
///
/// **Start**: at the top centre with a random force of up to 1000 N in x and y; terrain is random.
///
/// **Termination**: crash, leaving the screen, or coming to rest. **Truncation**: 1000 steps.
///
/// **Options**: `gravity` (−12 < g < 0, default −10), `enable_wind` (0 or 1), `wind_power` (0–20, default 15),
/// `turbulence_power` (0–2, default 1.5), `max_episode_steps` (default 1000).
public final class LunarLander: EpisodicTask {
    public static let name = "LunarLanderContinuous"
    public static let version = 1
    public static let defaultOptions: [String: Double] = [
        "gravity": -10, "enable_wind": 0, "wind_power": 15, "turbulence_power": 1.5, "max_episode_steps": 1000,
    ]
    /// The reward terms, in order: four shaping differences, the engines' fuel, then the ending.
    public enum Term: Int, RewardTerm { case distance, speed, tilt, legContact, mainEngine, sideEngine, crash, landing }
    public static let termNames = Term.names

    public let spec: TaskSpec
    public let options: [String: Double]
    public var clock: EpisodeClock

    private let gravity: Double
    private let windEnabled: Bool
    private let windPower: Double
    private let turbulencePower: Double

    private var generator = SeededGenerator(seed: 0)
    private var world: PhysicsWorld?
    private var moon: PhysicsBody!
    private var lander: PhysicsBody!
    private var legs: [PhysicsBody] = []
    private var legContact = [false, false]
    private var gameOver = false
    /// Why the last step ended the episode (see `terminationReason`).
    private var endReason = "ended"
    private var previousShaping: [Double]?
    private var windIndex = 0
    private var torqueIndex = 0
    private(set) var helipadX1 = 0.0, helipadX2 = 0.0, helipadY = 0.0
    private var skyPolygons: [[(Double, Double)]] = []
    private var particles: [Particle] = []
    private let canvases = CanvasCache()

    /// A decorative exhaust particle. Drawn only; it never touches the physics, so that rendering
    /// cannot change an episode.
    private struct Particle {
        var x, y, vx, vy, ttl: Double
    }

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        gravity = resolved["gravity"]!
        guard gravity > -12, gravity < 0 else {
            throw .invalidOption(task: Self.name, option: "gravity", reason: "\(gravity.plainText) is outside (-12, 0)")
        }
        // Gymnasium warns outside wind_power 0–20 and turbulence_power 0–2 (lunar_lander.py); here they are refused.
        try checkSwitch(resolved["enable_wind"]!, option: "enable_wind", task: Self.name)
        try checkRange(resolved["wind_power"]!, 0...20, option: "wind_power", task: Self.name)
        try checkRange(resolved["turbulence_power"]!, 0...2, option: "turbulence_power", task: Self.name)
        windEnabled = resolved["enable_wind"]! != 0
        windPower = resolved["wind_power"]!
        turbulencePower = resolved["turbulence_power"]!
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        self.options = resolved
        spec = Self.makeSpec(maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(maxEpisodeSteps: Int = 1000) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .box(BoxSpace(low: [-2.5, -2.5, -10, -10, -2 * .pi, -10, 0, 0],
                                       high: [2.5, 2.5, 10, 10, 2 * .pi, 10, 1, 1])),
            actionSpace: .box(BoxSpace(uniformLow: -1, high: 1, shape: [2])),
            rewardTerms: termNames, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: Int(framesPerSecond),
            renderWidth: Int(viewportWidth), renderHeight: Int(viewportHeight),
            defaultOptions: defaultOptions,
            summary: "land on the pad between the flags; solved at a return of 200")
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        generator = SeededGenerator(seed: seed)
        let world = PhysicsWorld(gravity: Vec2(0, gravity))
        self.world = world
        gameOver = false
        previousShaping = nil
        legContact = [false, false]
        particles = []
        if windEnabled {
            windIndex = generator.integer(-9999, 9999)
            torqueIndex = generator.integer(-9999, 9999)
        }

        let w = viewportWidth / scale, h = viewportHeight / scale
        // Terrain: 11 chunks of random height, flattened under the pad and smoothed.
        var heights = (0...terrainChunks).map { _ in generator.uniform(0, h / 2) }
        let chunkX = (0..<terrainChunks).map { w / Double(terrainChunks - 1) * Double($0) }
        helipadX1 = chunkX[terrainChunks / 2 - 1]
        helipadX2 = chunkX[terrainChunks / 2 + 1]
        helipadY = h / 4
        for offset in -2...2 { heights[terrainChunks / 2 + offset] = helipadY }
        let smoothY = (0..<terrainChunks).map { i in
            0.33 * (heights[(i - 1 + heights.count) % heights.count] + heights[i] + heights[i + 1])
        }
        moon = world.createBody(.staticBody, at: Vec2(0, 0))
        let ground = FixtureMaterial(density: 0, friction: 0.1, tag: moonTag)
        moon.addEdge(Vec2(0, 0), Vec2(w, 0), FixtureMaterial(tag: moonTag))
        skyPolygons = []
        for i in 0..<(terrainChunks - 1) {
            let p1 = (chunkX[i], smoothY[i]), p2 = (chunkX[i + 1], smoothY[i + 1])
            moon.addEdge(Vec2(p1.0, p1.1), Vec2(p2.0, p2.1), ground)
            skyPolygons.append([p1, p2, (p2.0, h), (p1.0, h)])
        }

        let initialY = viewportHeight / scale
        let initialX = viewportWidth / scale / 2
        lander = world.createBody(.dynamicBody, at: Vec2(initialX, initialY))
        lander.addPolygon(landerPolygon.map { Vec2($0.0 / scale, $0.1 / scale) },
                          FixtureMaterial(density: 5, friction: 0.1, restitution: 0, categoryBits: 0x0010, maskBits: 0x001, tag: landerTag))
        lander.applyForceToCenter(Vec2(generator.uniform(-initialRandom, initialRandom),
                                       generator.uniform(-initialRandom, initialRandom)))

        legs = []
        for (n, i) in [-1.0, 1.0].enumerated() {
            let leg = world.createBody(.dynamicBody, at: Vec2(initialX - i * legAway / scale, initialY), angle: Float(i * 0.05))
            leg.addBox(halfWidth: Float(legWidth / scale), halfHeight: Float(legHeight / scale),
                       FixtureMaterial(density: 1, restitution: 0, categoryBits: 0x0020, maskBits: 0x001, tag: legTags[n]))
            var joint = RevoluteJointDefinition()
            joint.localAnchorB = Vec2(i * legAway / scale, legDown / scale)
            joint.enableMotor = true
            joint.enableLimit = true
            joint.maxMotorTorque = Float(legSpringTorque)
            joint.motorSpeed = Float(0.3 * i)  // low enough not to jump back into the sky
            if i == -1 {
                joint.lowerAngle = Float(0.9 - 0.5)
                joint.upperAngle = 0.9
            } else {
                joint.lowerAngle = -0.9
                joint.upperAngle = Float(-0.9 + 0.5)
            }
            _ = world.createRevoluteJoint(lander, leg, joint)
            legs.append(leg)
        }
        // Gymnasium returns the observation of a first step with the engines off.
        return advance([0, 0]).observation
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult {
        guard let world else { fatalError("advance before reset") }
        if windEnabled && !(legContact[0] || legContact[1]) {
            // tanh(sin(2k(t+C)) + sin(πk(t+C))), k = 0.01: never periodic.
            let wind = tanh(sin(0.02 * Double(windIndex)) + sin(Double.pi * 0.01 * Double(windIndex))) * windPower
            windIndex += 1
            lander.applyForceToCenter(Vec2(wind, 0))
            let torque = tanh(sin(0.02 * Double(torqueIndex)) + sin(Double.pi * 0.01 * Double(torqueIndex))) * turbulencePower
            torqueIndex += 1
            lander.applyTorque(Float(torque))
        }

        let angle = Double(lander.angle)
        let tip = (sin(angle), cos(angle))
        let side = (-tip.1, tip.0)
        let dispersion = (generator.uniform(-1, 1) / scale, generator.uniform(-1, 1) / scale)
        let position = lander.position

        var mainPower = 0.0
        if action[0] > 0 {
            mainPower = (Double(min(max(action[0], 0), 1)) + 1) * 0.5  // 0.5 ... 1.0
            let ox = tip.0 * (4 / scale + 2 * dispersion.0) + side.0 * dispersion.1
            let oy = -tip.1 * (4 / scale + 2 * dispersion.0) - side.1 * dispersion.1
            let impulsePosition = Vec2(Double(position.x) + ox, Double(position.y) + oy)
            lander.applyLinearImpulse(Vec2(-ox * mainEnginePower * mainPower, -oy * mainEnginePower * mainPower), at: impulsePosition)
            emitParticle(at: impulsePosition, direction: (ox, oy), power: mainPower, mass: 3.5, enginePower: mainEnginePower)
        }

        var sidePower = 0.0
        if abs(action[1]) > 0.5 {
            let direction = action[1] > 0 ? 1.0 : -1.0
            sidePower = Double(min(max(abs(action[1]), 0.5), 1))
            let ox = tip.0 * dispersion.0 + side.0 * (3 * dispersion.1 + direction * sideEngineAway / scale)
            let oy = -tip.1 * dispersion.0 - side.1 * (3 * dispersion.1 + direction * sideEngineAway / scale)
            let impulsePosition = Vec2(Double(position.x) + ox - tip.0 * 17 / scale,
                                       Double(position.y) + oy + tip.1 * sideEngineHeight / scale)
            lander.applyLinearImpulse(Vec2(-ox * sideEnginePower * sidePower, -oy * sideEnginePower * sidePower), at: impulsePosition)
            emitParticle(at: impulsePosition, direction: (ox, oy), power: sidePower, mass: 0.7, enginePower: sideEnginePower)
        }

        world.step(Float(1 / framesPerSecond), velocityIterations: velocityIterations, positionIterations: positionIterations)
        for event in world.drainContactEvents() {
            if event.begin && event.involves(landerTag) { gameOver = true }
            for n in 0..<2 where event.involves(legTags[n]) { legContact[n] = event.begin }
        }
        updateParticles()

        let p = lander.position, v = lander.linearVelocity
        let state: [Double] = [
            (Double(p.x) - viewportWidth / scale / 2) / (viewportWidth / scale / 2),
            (Double(p.y) - (helipadY + legDown / scale)) / (viewportHeight / scale / 2),
            Double(v.x) * (viewportWidth / scale / 2) / framesPerSecond,
            Double(v.y) * (viewportHeight / scale / 2) / framesPerSecond,
            Double(lander.angle),
            20 * Double(lander.angularVelocity) / framesPerSecond,
            legContact[0] ? 1 : 0,
            legContact[1] ? 1 : 0,
        ]

        let shaping = [
            -100 * (state[0] * state[0] + state[1] * state[1]).squareRoot(),
            -100 * (state[2] * state[2] + state[3] * state[3]).squareRoot(),
            -100 * abs(state[4]),
            10 * state[6] + 10 * state[7],
        ]
        var terms = TermValues<Term>()
        if let previous = previousShaping {
            terms[.distance] = shaping[0] - previous[0]
            terms[.speed] = shaping[1] - previous[1]
            terms[.tilt] = shaping[2] - previous[2]
            terms[.legContact] = shaping[3] - previous[3]
        }
        previousShaping = shaping
        terms[.mainEngine] = -mainPower * 0.30  // about −30 for a heuristic landing
        terms[.sideEngine] = -sidePower * 0.03

        var terminated = false
        if gameOver || abs(state[0]) >= 1 {
            terminated = true
            terms = .only(.crash, -100)
            endReason = gameOver ? "crashed" : "flew off screen"
        }
        if !lander.isAwake {
            terminated = true
            terms = .only(.landing, 100)
            endReason = "landed"
        }
        return StepResult(observation: state.map(Float.init), reward: terms.total, terms: terms.values,
                          isTerminated: terminated, isTruncated: false, info: [:])
    }

    // MARK: render

    private func emitParticle(at point: Vec2, direction: (Double, Double), power: Double, mass: Double, enginePower: Double) {
        // A 2/SCALE-radius disc of density `mass`, pushed by the same impulse as the lander.
        let discMass = mass * Double.pi * (2 / scale) * (2 / scale)
        particles.append(Particle(x: Double(point.x), y: Double(point.y),
                                  vx: direction.0 * enginePower * power / discMass,
                                  vy: direction.1 * enginePower * power / discMass, ttl: power))
    }

    private func updateParticles() {
        let dt = 1 / framesPerSecond
        for i in particles.indices {
            particles[i].vy += gravity * dt
            particles[i].x += particles[i].vx * dt
            particles[i].y += particles[i].vy * dt
            particles[i].ttl -= 0.15
        }
        particles.removeAll { $0.ttl < 0 }
    }

    public func render(into frame: inout Frame) {
        let canvas = canvases.canvas(width: frame.width, height: frame.height)
        canvas.setDesignSpace(width: viewportWidth, height: viewportHeight, yUp: true)
        canvas.clear(.white)
        // Gymnasium fills one black quad per terrain chunk, from the surface to the top; their union is
        // one polygon, filled at once.
        if let first = skyPolygons.first, let last = skyPolygons.last {
            var sky = [first[0]] + skyPolygons.map { $0[1] }
            sky += [last[2], first[3]]
            canvas.fillPolygon(sky.map { ($0.0 * scale, $0.1 * scale) }, .black)
        }
        for particle in particles {
            let c = Color(max(0.2, 0.15 + particle.ttl) * 255, max(0.2, 0.5 * particle.ttl) * 255, max(0.2, 0.5 * particle.ttl) * 255)
            canvas.fillCircle(center: (particle.x * scale, particle.y * scale), radius: 2, c)
        }
        if world != nil {
            for body in [lander!] + legs {
                canvas.drawPolygons(of: body, scale: scale, fill: Color(128, 102, 230), outline: Color(77, 77, 128))
            }
        }
        for x in [helipadX1 * scale, helipadX2 * scale] {
            let flagY1 = helipadY * scale, flagY2 = flagY1 + 50
            canvas.line(from: (x, flagY1), to: (x, flagY2), .white)
            canvas.fillPolygon([(x, flagY2), (x, flagY2 - 10), (x + 25, flagY2 - 5)], Color(204, 204, 0))
        }
        canvas.copy(into: &frame)
    }

    public func makeHeuristic() -> any Controller { LunarLanderHeuristic() }
    public var terminationReason: String { endReason }
}

/// Gymnasium's `heuristic(env, s)` for the continuous lander: a PD controller on angle and hover height.
public final class LunarLanderHeuristic: Controller {
    public init() {}
    public func action(for s: [Float]) -> [Float] {
        let s = s.map(Double.init)
        var angleTarget = s[0] * 0.5 + s[2] * 1.0  // point towards the centre
        angleTarget = min(max(angleTarget, -0.4), 0.4)  // more than 0.4 rad (22°) is bad
        let hoverTarget = 0.55 * abs(s[0])  // target height grows with horizontal offset
        var angleTodo = (angleTarget - s[4]) * 0.5 - s[5] * 1.0
        var hoverTodo = (hoverTarget - s[1]) * 0.5 - s[3] * 0.5
        if s[6] != 0 || s[7] != 0 {  // legs have contact: just damp the fall
            angleTodo = 0
            hoverTodo = -s[3] * 0.5
        }
        return [Float(min(max(hoverTodo * 20 - 1, -1), 1)), Float(min(max(-angleTodo * 20, -1), 1))]
    }
}
