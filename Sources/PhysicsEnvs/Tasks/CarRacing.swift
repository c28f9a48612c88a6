import Foundation
import SandboxCore
import Rendering

// Constants from Gymnasium 1.x, gymnasium/envs/box2d/car_racing.py (CarRacing-v3, continuous=True).
private let stateWidth = 96, stateHeight = 96
private let videoWidth = 600, videoHeight = 400
private let windowWidth = 1000.0, windowHeight = 800.0
private let scale = 6.0  // track scale
private let trackRadius = 900 / scale  // the track is a heavily morphed circle of this radius
private let playfield = 2000 / scale  // game-over boundary
private let framesPerSecond = 50.0
private let zoom = 2.7  // camera zoom
private let trackDetailStep = 21 / scale
private let trackTurnRate = 0.31
private let trackWidth = 40 / scale
private let border = 8 / scale
private let borderMinCount = 4
private let grassDim = playfield / 20
private let maxShapeDim = max(grassDim, trackWidth, trackDetailStep) * 2.0.squareRoot() * zoom * scale
private let velocityIterations: Int32 = 6 * 30
private let positionIterations: Int32 = 2 * 30
private let tileTagBase: Int32 = 1000

private let roadColor = Color(102, 102, 102)
private let backgroundColor = Color(102, 204, 102)
private let grassColor = Color(102, 230, 102)

/// Race a top-down car around a random track, from pixels: Gymnasium's `CarRacing` (continuous).
///
/// **Action space** `Box([-1, 0, 0], [1, 1, 1])`: steering (−1 full left, +1 full right), gas, brake.
///
/// **Observation space** `Box(0, 255, (96, 96, 3))`: the top-down RGB view that follows the car,
/// with the speed, ABS, steering and gyro indicators along the bottom, as floats.
///
/// **Reward terms** (their sum is Gymnasium's reward):
/// - `tiles`: +1000/N for each of the N track tiles visited for the first time;
/// - `time`: −0.1 every step;
/// - `out_of_bounds`: −100 when the car leaves the playfield (the other terms are 0 on that step).
///
/// **Start**: at rest on the first tile of a random closed track (12 random checkpoints).
///
/// **Termination**: a lap (every tile, or 95 % of them and back to the start) or leaving the playfield.
/// **Truncation**: 1000 steps.
///
/// **Options**: `lap_complete_percent` (default 0.95), `max_episode_steps` (default 1000).
public final class CarRacing: EpisodicTask {
    public static let name = "CarRacing"
    public static let version = 1
    public static let defaultOptions: [String: Double] = ["lap_complete_percent": 0.95, "max_episode_steps": 1000]
    /// The reward terms, in order.
    public enum Term: Int, RewardTerm { case tiles, time, outOfBounds }
    public static let termNames = Term.names

    public let spec: TaskSpec
    public let options: [String: Double]
    public var clock: EpisodeClock
    private let lapCompletePercent: Double

    struct TrackPoint { var alpha, beta, x, y: Double }
    private struct Tile {
        var polygon: [(Double, Double)]
        var color: Color
        var visited = false
    }

    private var generator = SeededGenerator(seed: 0)
    /// Why the last step ended the episode (see `terminationReason`).
    private var endReason = "ended"
    private var world: PhysicsWorld?
    private(set) var car: Car?
    private(set) var track: [TrackPoint] = []
    private var tiles: [Tile] = []
    private var borderPolygons: [(polygon: [(Double, Double)], color: Color)] = []
    private var startAlpha = 0.0
    private var tileReward = 0.0  // accumulated tile reward
    private var countedTileReward = 0.0  // part of it already paid out in a step
    private var tilesVisited = 0
    private var newLap = false
    private var time = 0.0
    private var totalReward = 0.0  // shown on screen, as Gymnasium's `self.reward`
    private var lastObservation: [Float] = []
    private var observationFrame = Frame(width: stateWidth, height: stateHeight)
    private let canvases = CanvasCache()
    private let observationCanvas = CanvasCache()

    public init(options: [String: Double] = [:]) throws(EnvironmentError) {
        let resolved = try resolveOptions(options, defaults: Self.defaultOptions, task: Self.name)
        lapCompletePercent = resolved["lap_complete_percent"]!
        guard lapCompletePercent > 0, lapCompletePercent <= 1 else {
            throw .invalidOption(task: Self.name, option: "lap_complete_percent", reason: "\(lapCompletePercent.plainText) is outside (0, 1]")
        }
        let maxEpisodeSteps = Int(resolved["max_episode_steps"]!)
        clock = EpisodeClock(maxEpisodeSteps: maxEpisodeSteps)
        self.options = resolved
        spec = Self.makeSpec(maxEpisodeSteps: maxEpisodeSteps)
    }

    static func makeSpec(maxEpisodeSteps: Int = 1000) -> TaskSpec {
        TaskSpec(
            name: name, version: version,
            observationSpace: .box(BoxSpace(uniformLow: 0, high: 255, shape: [stateHeight, stateWidth, 3])),
            actionSpace: .box(BoxSpace(low: [-1, 0, 0], high: [1, 1, 1])),
            rewardTerms: termNames, maxEpisodeSteps: maxEpisodeSteps, framesPerSecond: Int(framesPerSecond),
            renderWidth: videoWidth, renderHeight: videoHeight, defaultOptions: defaultOptions,
            summary: "drive a lap of a random track from 96x96 pixels; solved at 900")
    }

    // MARK: reset

    public func startEpisode(seed: UInt64) -> [Float] {
        generator = SeededGenerator(seed: seed)
        tileReward = 0
        countedTileReward = 0
        tilesVisited = 0
        time = 0
        totalReward = 0
        newLap = false
        var world: PhysicsWorld
        repeat {
            world = PhysicsWorld(gravity: Vec2(0, 0))
        } while !createTrack(in: world)
        self.world = world
        car = Car(world: world, angle: track[0].beta, x: track[0].x, y: track[0].y)
        return advance(nil).observation
    }

    /// Gymnasium's track generator: 12 noisy checkpoints on a circle, followed by a turning-rate-limited
    /// walk; the second closed lap is kept. Returns false when the loop does not close (then retried).
    private func createTrack(in world: PhysicsWorld) -> Bool {
        let checkpointCount = 12
        var checkpoints: [(alpha: Double, x: Double, y: Double)] = []
        for c in 0..<checkpointCount {
            let noise = generator.uniform(0, 2 * Double.pi * 1 / Double(checkpointCount))
            var alpha = 2 * Double.pi * Double(c) / Double(checkpointCount) + noise
            var radius = generator.uniform(trackRadius / 3, trackRadius)
            if c == 0 {
                alpha = 0
                radius = 1.5 * trackRadius
            }
            if c == checkpointCount - 1 {
                alpha = 2 * Double.pi * Double(c) / Double(checkpointCount)
                startAlpha = 2 * Double.pi * -0.5 / Double(checkpointCount)
                radius = 1.5 * trackRadius
            }
            checkpoints.append((alpha, radius * cos(alpha), radius * sin(alpha)))
        }

        var x = 1.5 * trackRadius, y = 0.0, beta = 0.0
        var destination = 0
        var laps = 0
        var points: [TrackPoint] = []
        var noFreeze = 2500
        var visitedOtherSide = false
        while true {
            var alpha = atan2(y, x)
            if visitedOtherSide && alpha > 0 {
                laps += 1
                visitedOtherSide = false
            }
            if alpha < 0 {
                visitedOtherSide = true
                alpha += 2 * Double.pi
            }
            var target = checkpoints[0]
            while true {  // find the destination checkpoint
                var failed = true
                while true {
                    target = checkpoints[destination % checkpoints.count]
                    if alpha <= target.alpha {
                        failed = false
                        break
                    }
                    destination += 1
                    if destination % checkpoints.count == 0 { break }
                }
                if !failed { break }
                alpha -= 2 * Double.pi
            }
            let r1x = cos(beta), r1y = sin(beta)
            let p1x = -r1y, p1y = r1x
            let dx = target.x - x, dy = target.y - y  // towards the destination
            var projection = r1x * dx + r1y * dy  // destination projected on the radius
            while beta - alpha > 1.5 * Double.pi { beta -= 2 * Double.pi }
            while beta - alpha < -1.5 * Double.pi { beta += 2 * Double.pi }
            let previousBeta = beta
            projection *= scale
            if projection > 0.3 { beta -= min(trackTurnRate, abs(0.001 * projection)) }
            if projection < -0.3 { beta += min(trackTurnRate, abs(0.001 * projection)) }
            x += p1x * trackDetailStep
            y += p1y * trackDetailStep
            points.append(TrackPoint(alpha: alpha, beta: previousBeta * 0.5 + beta * 0.5, x: x, y: y))
            if laps > 4 { break }
            noFreeze -= 1
            if noFreeze == 0 { break }
        }

        // Find the closed loop i1..i2: the first lap is ignored, the second kept.
        var i1 = -1, i2 = -1
        var i = points.count
        while true {
            i -= 1
            if i == 0 { return false }
            let passesStart = points[i].alpha > startAlpha && points[i - 1].alpha <= startAlpha
            if passesStart && i2 == -1 {
                i2 = i
            } else if passesStart && i1 == -1 {
                i1 = i
                break
            }
        }
        let loop = Array(points[i1..<(i2 - 1)])
        guard loop.count > borderMinCount else { return false }
        let firstPerpendicular = (cos(loop[0].beta), sin(loop[0].beta))
        let gap = ((firstPerpendicular.0 * (loop[0].x - loop[loop.count - 1].x)) * (firstPerpendicular.0 * (loop[0].x - loop[loop.count - 1].x))
                   + (firstPerpendicular.1 * (loop[0].y - loop[loop.count - 1].y)) * (firstPerpendicular.1 * (loop[0].y - loop[loop.count - 1].y))).squareRoot()
        if gap > trackDetailStep { return false }  // head and tail do not glue together

        // Red-white border on hard turns.
        let n = loop.count
        func at(_ k: Int) -> TrackPoint { loop[((k % n) + n) % n] }
        var hasBorder = [Bool](repeating: false, count: n)
        for i in 0..<n {
            var good = true
            var oneSide = 0.0
            for back in 0..<borderMinCount {
                let beta1 = at(i - back).beta, beta2 = at(i - back - 1).beta
                good = good && abs(beta1 - beta2) > trackTurnRate * 0.2
                oneSide += sign(beta1 - beta2)
            }
            hasBorder[i] = good && abs(oneSide) == Double(borderMinCount)
        }
        let marked = hasBorder
        for i in 0..<n where marked[i] {
            for back in 0..<borderMinCount { hasBorder[((i - back) % n + n) % n] = true }
        }

        // Tiles: sensor quads between consecutive track points.
        tiles = []
        borderPolygons = []
        let roadBody = world.createBody(.staticBody, at: Vec2(0, 0))
        for i in 0..<n {
            let p1 = at(i), p2 = at(i - 1)
            let road1Left = (p1.x - trackWidth * cos(p1.beta), p1.y - trackWidth * sin(p1.beta))
            let road1Right = (p1.x + trackWidth * cos(p1.beta), p1.y + trackWidth * sin(p1.beta))
            let road2Left = (p2.x - trackWidth * cos(p2.beta), p2.y - trackWidth * sin(p2.beta))
            let road2Right = (p2.x + trackWidth * cos(p2.beta), p2.y + trackWidth * sin(p2.beta))
            let quad = [road1Left, road1Right, road2Right, road2Left]
            roadBody.addPolygon(quad.map { Vec2($0.0, $0.1) }, FixtureMaterial(isSensor: true, tag: tileTagBase + Int32(i)))
            let shade = 0.01 * Double(i % 3) * 255
            tiles.append(Tile(polygon: quad, color: Color(roadColor.r + shade, roadColor.g + shade, roadColor.b + shade)))
            if hasBorder[i] {
                let side = sign(p2.beta - p1.beta)
                let b1l = (p1.x + side * trackWidth * cos(p1.beta), p1.y + side * trackWidth * sin(p1.beta))
                let b1r = (p1.x + side * (trackWidth + border) * cos(p1.beta), p1.y + side * (trackWidth + border) * sin(p1.beta))
                let b2l = (p2.x + side * trackWidth * cos(p2.beta), p2.y + side * trackWidth * sin(p2.beta))
                let b2r = (p2.x + side * (trackWidth + border) * cos(p2.beta), p2.y + side * (trackWidth + border) * sin(p2.beta))
                borderPolygons.append(([b1l, b1r, b2r, b2l], i % 2 == 0 ? .white : Color(255, 0, 0)))
            }
        }
        track = loop
        return true
    }

    // MARK: step

    public func advance(_ action: [Float]) -> StepResult { advance(Optional(action)) }

    private func advance(_ action: [Float]?) -> StepResult {
        guard let world, let car else { fatalError("advance before reset") }
        if let action {
            car.setSteer(-Double(action[0]))
            car.setGas(Double(action[1]))
            car.setBrake(Double(action[2]))
        }
        car.step(1 / framesPerSecond) { _ in 1.0 }  // every tile has road friction 1
        world.step(Float(1 / framesPerSecond), velocityIterations: velocityIterations, positionIterations: positionIterations)
        time += 1 / framesPerSecond
        for event in world.drainContactEvents() { handleContact(event) }

        var terms = TermValues<Term>()
        var terminated = false
        var info: [String: Double] = [:]
        if action != nil {  // the first step, from reset, has no action and no reward
            terms[.tiles] = tileReward - countedTileReward
            countedTileReward = tileReward
            terms[.time] = -0.1
            if tilesVisited == track.count || newLap {
                terminated = true
                info["lap_finished"] = 1
                endReason = "lap finished"
            }
            let p = car.hull.position
            if abs(Double(p.x)) > playfield || abs(Double(p.y)) > playfield {
                terminated = true
                info["lap_finished"] = 0
                terms = .only(.outOfBounds, -100)
                endReason = "left the playfield"
            }
        }
        info["tiles_visited"] = Double(tilesVisited)
        let reward = terms.total
        totalReward += reward
        renderWindow(into: &observationFrame, canvases: observationCanvas, drawText: true)
        observationFrame.writeFloatPixels(into: &lastObservation)
        return StepResult(observation: lastObservation, reward: reward, terms: terms.values,
                          isTerminated: terminated, isTruncated: false, info: info)
    }

    /// Gymnasium's `FrictionDetector`: wheels entering tiles collect their reward once; touching tile 0
    /// after covering `lap_complete_percent` of the track completes the lap.
    private func handleContact(_ event: ContactEvent) {
        let (tileTag, otherTag): (Int32, Int32)
        if event.tagA >= tileTagBase { (tileTag, otherTag) = (event.tagA, event.tagB) }
        else if event.tagB >= tileTagBase { (tileTag, otherTag) = (event.tagB, event.tagA) }
        else { return }
        let wheelIndex = Int(otherTag - carWheelTagBase)
        guard let car, (0..<car.wheels.count).contains(wheelIndex) else { return }
        let tile = Int(tileTag - tileTagBase)
        if tile == 0 && Double(tilesVisited) / Double(track.count) > lapCompletePercent { newLap = true }
        let wheel = car.wheels[wheelIndex]
        if event.begin {
            wheel.tiles.insert(tile)
            if !tiles[tile].visited {
                tiles[tile].visited = true
                tileReward += 1000 / Double(track.count)
                tilesVisited += 1
            }
        } else {
            wheel.tiles.remove(tile)
        }
    }

    // MARK: render

    public func render(into frame: inout Frame) {
        renderWindow(into: &frame, canvases: canvases, drawText: true)
    }

    /// Draws Gymnasium's 1000×800 window (road, car, indicators, score) scaled to `width` × `height`.
    private func renderWindow(into frame: inout Frame, canvases: CanvasCache, drawText: Bool) {
        let (width, height) = (frame.width, frame.height)
        let canvas = canvases.canvas(width: width, height: height)
        guard let car else {
            canvas.clear(backgroundColor)
            canvas.copy(into: &frame)
            return
        }
        canvas.setDesignSpace(width: windowWidth, height: windowHeight, yUp: true)
        canvas.clear(.black)
        let angle = -Double(car.hull.angle)
        let currentZoom = 0.1 * scale * max(1 - time, 0) + zoom * scale * min(time, 1)  // zoom in over the first second
        let p = car.hull.position
        let scrollX = -Double(p.x) * currentZoom, scrollY = -Double(p.y) * currentZoom
        let translation = (windowWidth / 2 + scrollX * cos(angle) - scrollY * sin(angle),
                           windowHeight / 4 + scrollX * sin(angle) + scrollY * cos(angle))
        let c = cos(angle), s = sin(angle)
        func toScreen(_ x: Double, _ y: Double) -> (Double, Double) {
            ((x * c - y * s) * currentZoom + translation.0, (x * s + y * c) * currentZoom + translation.1)
        }
        func drawWorld(_ polygon: [(Double, Double)], _ color: Color, clip: Bool = true) {
            let screen = polygon.map { toScreen($0.0, $0.1) }
            if clip && !screen.contains(where: { $0.0 >= -maxShapeDim && $0.0 <= windowWidth + maxShapeDim
                                                 && $0.1 >= -maxShapeDim && $0.1 <= windowHeight + maxShapeDim }) { return }
            canvas.fillPolygon(screen, color)
        }

        let field = [(playfield, playfield), (playfield, -playfield), (-playfield, -playfield), (-playfield, playfield)]
        drawWorld(field, backgroundColor, clip: false)
        for gx in stride(from: -20, to: 20, by: 2) {
            for gy in stride(from: -20, to: 20, by: 2) {
                let x = grassDim * Double(gx), y = grassDim * Double(gy)
                drawWorld([(x + grassDim, y), (x, y), (x, y + grassDim), (x + grassDim, y + grassDim)], grassColor)
            }
        }
        for tile in tiles { drawWorld(tile.polygon, tile.color) }
        for b in borderPolygons { drawWorld(b.polygon, b.color) }

        // Car: wheels then hull, with each wheel's tread stripe.
        for wheel in car.wheels {
            drawWorld(Car.wheelOutline.map { let q = wheel.body.worldPoint($0); return (Double(q.x), Double(q.y)) }, .black, clip: false)
            if let stripe = Car.treadStripe(phase: wheel.phase) {
                drawWorld(stripe.map { let q = wheel.body.worldPoint($0); return (Double(q.x), Double(q.y)) }, Color(77, 77, 77), clip: false)
            }
        }
        for polygon in carHullPolygons {
            drawWorld(polygon.map { let q = car.hull.worldPoint(Vec2($0.0 * 0.02, $0.1 * 0.02)); return (Double(q.x), Double(q.y)) },
                      Color(204, 0, 0), clip: false)
        }

        // Indicators along the bottom, in window pixels with y down.
        canvas.setDesignSpace(width: windowWidth, height: windowHeight, yUp: false)
        let W = windowWidth, H = windowHeight
        let sx = W / 40, hy = H / 40
        canvas.fillPolygon([(W, H), (W, H - 5 * hy), (0, H - 5 * hy), (0, H)], .black)
        func vertical(_ place: Double, _ value: Double, _ color: Color) {
            guard abs(value) > 1e-4 else { return }
            canvas.fillPolygon([(place * sx, H - (hy + hy * value)), ((place + 1) * sx, H - (hy + hy * value)),
                                ((place + 1) * sx, H - hy), (place * sx, H - hy)], color)
        }
        func horizontal(_ place: Double, _ value: Double, _ color: Color) {
            guard abs(value) > 1e-4 else { return }
            canvas.fillPolygon([(place * sx, H - 4 * hy), ((place + value) * sx, H - 4 * hy),
                                ((place + value) * sx, H - 2 * hy), (place * sx, H - 2 * hy)], color)
        }
        let v = car.hull.linearVelocity
        let trueSpeed = (Double(v.x) * Double(v.x) + Double(v.y) * Double(v.y)).squareRoot()
        vertical(5, 0.02 * trueSpeed, .white)
        vertical(7, 0.01 * car.wheels[0].omega, Color(0, 0, 255))  // ABS sensors
        vertical(8, 0.01 * car.wheels[1].omega, Color(0, 0, 255))
        vertical(9, 0.01 * car.wheels[2].omega, Color(51, 0, 255))
        vertical(10, 0.01 * car.wheels[3].omega, Color(51, 0, 255))
        horizontal(20, -10 * Double(car.wheels[0].joint.angle), Color(0, 255, 0))
        horizontal(30, -0.8 * Double(car.hull.angularVelocity), Color(255, 0, 0))
        if drawText {
            let pixelScale = Double(height) / windowHeight
            let score = String(format: "%04d", Int(totalReward.rounded(.towardZero)))
            let textSize = 42 * pixelScale
            let textWidth = canvas.textWidth(score, size: textSize)
            canvas.text(score, x: 60 * Double(width) / windowWidth - textWidth / 2,
                        y: (windowHeight - windowHeight * 2.5 / 40) * pixelScale - textSize / 2, size: textSize, .white)
        }
        canvas.copy(into: &frame)
    }

    public func makeHeuristic() -> any Controller { CarRacingHeuristic(environment: self) }
    public var terminationReason: String { endReason }
}

/// A pure-pursuit driver for CarRacing (Gymnasium ships none): steer towards a point a few tiles ahead
/// on the centre line, hold a target speed, and brake before sharp bends.
public final class CarRacingHeuristic: Controller {
    private unowned let environment: CarRacing
    private static let lookahead = 6  // tiles
    private static let cruiseSpeed = 22.0  // m/s on straights
    private static let cornerSpeed = 13.0  // m/s in sharp bends

    init(environment: CarRacing) { self.environment = environment }

    public func action(for observation: [Float]) -> [Float] {
        let track = environment.track
        guard let car = environment.car, !track.isEmpty else { return [0, 0, 0] }
        let p = car.hull.position
        let px = Double(p.x), py = Double(p.y)
        var nearest = 0
        var best = Double.infinity
        for (i, point) in track.enumerated() {
            let d = (point.x - px) * (point.x - px) + (point.y - py) * (point.y - py)
            if d < best { best = d; nearest = i }
        }
        let target = track[(nearest + Self.lookahead) % track.count]
        // The car's forward axis is its local +y.
        let forward = car.hull.worldVector(Vec2(0, 1))
        let heading = atan2(Double(forward.y), Double(forward.x))
        var error = atan2(target.y - py, target.x - px) - heading
        while error > .pi { error -= 2 * .pi }
        while error < -.pi { error += 2 * .pi }
        let steer = min(max(-2.0 * error, -1), 1)  // positive action steers right, i.e. clockwise

        // Curvature ahead: how much the track turns over the next stretch.
        var turn = 0.0
        for k in 0..<12 {
            var d = track[(nearest + k + 1) % track.count].beta - track[(nearest + k) % track.count].beta
            while d > .pi { d -= 2 * .pi }
            while d < -.pi { d += 2 * .pi }
            turn += abs(d)
        }
        let targetSpeed = turn > 0.6 ? Self.cornerSpeed : Self.cruiseSpeed
        let v = car.hull.linearVelocity
        let speed = (Double(v.x) * Double(v.x) + Double(v.y) * Double(v.y)).squareRoot()
        let gas = speed < targetSpeed ? 0.5 : 0.0
        let brake = speed > targetSpeed + 4 ? 0.4 : 0.0
        return [Float(steer), Float(gas), Float(brake)]
    }
}
