import Foundation
import NeuralNets

/// NeuralNets throughput on one thread, to compare with PyTorch (bench/nn_torch.py does the same work).
func neuralNetFigures(seconds: Double, only: String?) -> [String: Double] {
    BLAS.setThreadCount(1)
    func wanted(_ name: String) -> Bool { only == nil || only == name }
    var figures: [String: Double] = [:]
    var generator = SystemRandomNumberGenerator()

    if wanted("sgemm_512_gflops") {
        figures["sgemm_512_gflops"] = BLAS.measureGemmRate(size: 512, seconds: seconds)
    }

    // Bradley–Terry reward model: MLP 3×256 LeakyReLU on 28 inputs; per update 128 segment pairs ×
    // 2 segments × 50 steps = 12,800 rows, summed per segment, logistic loss on the return difference.
    let pairs = 128, segment = 50, inputSize = 28
    let rows = pairs * 2 * segment
    let rewardModel = MLP(.init(inputSize: inputSize, hiddenSizes: [256, 256, 256], outputSize: 1, activation: .leakyRelu),
                          initializer: .pytorchDefault, using: &generator)
    let flopsPerRow = 2.0 * Double(inputSize * 256 + 256 * 256 * 2 + 256)
    if wanted("bt_pair_updates_per_s") {
        let adam = Adam(parameters: rewardModel.parameters, configuration: .init(learningRate: 3e-4))
        let x = Tensor.uniform([rows, inputSize], low: -1, high: 1, using: &generator)
        let labels = Tensor(shape: [pairs], data: (0..<pairs).map { _ in Float(Int.random(in: 0...1, using: &generator)) })
        let updatesPerSecond = Bench.measure(seconds: seconds, initialBatch: 1) { count in
            for _ in 0..<count {
                adam.zeroGrad()
                let returns = rewardModel(x).reshaped([pairs, 2, segment]).sum(axis: 2)  // [pairs, 2]
                let logits = returns.matmul(Tensor(shape: [2, 1], data: [1, -1])).reshaped([pairs])
                let loss = (logits.softplus() - labels * logits).mean()
                loss.backward()
                adam.step()
            }
        }
        figures["bt_pair_updates_per_s"] = updatesPerSecond * Double(pairs)
        figures["bt_gflops"] = updatesPerSecond * Double(rows) * 3 * flopsPerRow / 1e9
    }
    if wanted("bt_inference_rows_per_s") {
        let x = Tensor.uniform([10_000, inputSize], low: -1, high: 1, using: &generator)
        figures["bt_inference_rows_per_s"] = 10_000 * Bench.measure(seconds: seconds, initialBatch: 1) { count in
            for _ in 0..<count { _ = rewardModel(x) }
        }
    }

    // Nature CNN on 64×64 RGB with a linear head; training regresses random targets (MSE, Adam).
    let cnn = NatureCNN(using: &generator)
    let head = Linear(512, 1, using: &generator)
    if wanted("cnn_train_images_per_s") {
        let adam = Adam(parameters: cnn.parameters + head.parameters, configuration: .init(learningRate: 1e-4))
        let images = Tensor.uniform([64, 64, 64, 3], low: 0, high: 1, using: &generator)
        let targets = Tensor.uniform([64, 1], low: -1, high: 1, using: &generator)
        figures["cnn_train_images_per_s"] = 64 * Bench.measure(seconds: seconds, initialBatch: 1) { count in
            for _ in 0..<count {
                adam.zeroGrad()
                (head(cnn(images)) - targets).square().mean().backward()
                adam.step()
            }
        }
    }
    if wanted("cnn_inference_images_per_s") {
        let images = Tensor.uniform([256, 64, 64, 3], low: 0, high: 1, using: &generator)
        figures["cnn_inference_images_per_s"] = 256 * Bench.measure(seconds: seconds, initialBatch: 1) { count in
            for _ in 0..<count { _ = head(cnn(images)) }
        }
    }

    // RAPL's frame encoder (issue 27): the Nature-CNN backbone and its 512 → 32 linear head, inference
    // on batches of 256 64×64 frames (VisualRewards' FrameEncoder; the first convolution runs directly).
    if wanted("rapl_encoder_images_per_s") {
        let encoderHead = Linear(512, 32, using: &generator)
        let frames = Tensor.uniform([256, 64, 64, 3], low: 0, high: 1, using: &generator)
        figures["rapl_encoder_images_per_s"] = 256 * Bench.measure(seconds: seconds, initialBatch: 1) { count in
            for _ in 0..<count { _ = encoderHead(cnn(frames)) }
        }
    }

    // Small networks, the shape of PPO's rollouts and updates: MLP 64×64 tanh, 8 inputs, 2 outputs.
    let small = MLP(.init(inputSize: 8, hiddenSizes: [64, 64], outputSize: 2, activation: .tanh), using: &generator)
    let smallAdam = Adam(parameters: small.parameters, configuration: .init(learningRate: 3e-4))
    for batch in [1, 64] {
        let x = Tensor.uniform([batch, 8], low: -1, high: 1, using: &generator)
        if wanted("small_forward_b\(batch)_per_s") {
            figures["small_forward_b\(batch)_per_s"] = Bench.measure(seconds: seconds) { count in
                for _ in 0..<count { _ = small(x) }
            }
        }
        if wanted("small_update_b\(batch)_per_s") {
            figures["small_update_b\(batch)_per_s"] = Bench.measure(seconds: seconds) { count in
                for _ in 0..<count {
                    smallAdam.zeroGrad()
                    small(x).square().mean().backward()
                    smallAdam.step()
                }
            }
        }
    }
    return figures
}
