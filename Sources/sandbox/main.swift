import PhysicsEnvs
var returns: [Double] = []
for seed in 0..<20 {
let env = try TaskRegistry.make(CommandLine.arguments[1])
let h = env.makeHeuristic()
var o = env.reset(seed: UInt64(seed))
var total = 0.0
while true { let r = try env.step(h.action(for: o)); total += r.reward; o = r.observation; if r.isDone { break } }
returns.append(total)
}
print(returns.map { Int($0) })
