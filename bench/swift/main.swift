// Benchmarks for `make bench` (bench/run.sh). Prints figures as JSON.
// Usage: sandbox-bench envs|nn|agents [seconds-per-figure] [figure]
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, ["envs", "nn", "agents", "qd", "tabletop"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: sandbox-bench envs|nn|agents|qd|tabletop [seconds-per-figure] [figure]\n".utf8))
    exit(2)
}
let seconds = arguments.count > 2 ? Double(arguments[2]) ?? 3 : 3
let only = arguments.count > 3 ? arguments[3] : nil
let figures: [String: Double]
switch arguments[1] {
case "envs": figures = try environmentFigures(seconds: seconds, only: only)
case "nn": figures = neuralNetFigures(seconds: seconds, only: only)
case "qd": figures = qualityDiversityFigures(seconds: seconds, only: only)
case "tabletop": figures = try tabletopFigures(seconds: seconds, only: only)
default: figures = try agentFigures(seconds: seconds, only: only)
}
let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
print(String(decoding: data, as: UTF8.self))
