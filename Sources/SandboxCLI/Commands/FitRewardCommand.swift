import Agents
import Foundation
import SandboxCore
import RewardLearning

enum FitRewardCommand {
    static let help = """
    usage: sandbox fit-reward --store FILE.db --task ID [--ensemble K] [--hidden 256,256,256] [--epochs N]
                              [--observation-only] [--seed S] [--endings learned|zero|terminal|off] [--nonpositive-reward]
                              --out MODEL.safetensors

    Fits a Bradley–Terry reward ensemble (equal answers as 0.5) to the store's answered pair queries,
    prints the held-out label accuracy, and saves the model for `sandbox train --reward model:MODEL`.
    --endings values the steps of segments that run past a termination, as in `sandbox pbrl`; answers
    given with `queries answer --endings zero` are fitted with --endings zero. --nonpositive-reward (with
    --endings zero) holds the reward at or below 0 on every step, as in `sandbox pbrl`.
    Each annotator's answer to a query counts once (a revision replaces the earlier answer). The store
    must exist; a progress bar on standard error shows the fitting (members × epochs).
    """

    static func run(_ arguments: inout Arguments) throws -> Int32 {
        guard let storePath = arguments.string("store") else { throw UsageError("fit-reward needs --store FILE.db") }
        guard let taskID = arguments.string("task") else { throw UsageError("fit-reward needs --task ID") }
        guard let out = arguments.string("out") else { throw UsageError("fit-reward needs --out MODEL.safetensors") }
        let ensemble = try arguments.int("ensemble", default: 3, minimum: 1, maximum: 64)!
        let epochs = try arguments.int("epochs", default: 50, minimum: 1, maximum: 100_000)!
        let seed = try arguments.seed()
        let hidden = try (arguments.string("hidden") ?? "256,256,256").split(separator: ",").map { text -> Int in
            guard let n = Int(text), (1...16_384).contains(n) else { throw UsageError("--hidden takes layer widths from 1 to 16384 like 256,256,256") }
            return n
        }
        let observationOnly = arguments.flag("observation-only")
        let endings = try arguments.endings()
        let nonPositive = try arguments.nonPositiveReward(endings: endings)
        try arguments.checkAllUsed()
        let store = try openExistingStore(storePath)
        try prepareOutput(out)
        let spec = try SandboxCLI.tasks.spec(for: taskID)
        if let storeTask = try store.task, storeTask != spec.id {
            throw UsageError("the store holds \(storeTask) episodes, not \(spec.id)")
        }
        let pairs = try store.labelledPairs(in: SandboxCLI.tasks)
        var generator = SeededGenerator(seed: seed)
        let model = RewardEnsemble(.init(task: spec, usesActions: !observationOnly, hiddenSizes: hidden, ensembleSize: ensemble,
                                         endings: endings, nonPositive: nonPositive), using: &generator)
        var fitter = RewardFitter()
        fitter.configuration.epochs = epochs
        let progress = ProgressBar("fit-reward", total: ensemble * epochs)
        let report = try fitter.fit(model, pairs: pairs, seed: seed) { loss in
            progress.status = String(format: "loss %.4f", loss)
            progress.advance()
        }
        progress.finish()
        try model.save(to: URL(fileURLWithPath: out))
        let accuracy = report.heldOutPairs > 0 ? String(format: "held-out accuracy %.3f", report.heldOutAccuracy)
            : "no held-out accuracy (fewer than 5 pairs, so none were held out)"
        print(String(format: "fitted %d members on %d pairs (%d held out): %@, final loss %.4f, %.0f pair-updates/s",
                     ensemble, report.trainingPairs, report.heldOutPairs, accuracy, report.trainingLoss, report.pairUpdatesPerSecond))
        print("model \(out)")
        return 0
    }
}
