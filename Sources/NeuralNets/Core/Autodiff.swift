extension Tensor {
    /// Back-propagates from this scalar: fills `grad` of every tensor in its graph that requires a
    /// gradient, accumulating into gradients already there (call `zeroGrad()` on parameters between steps).
    public func backward() {
        precondition(count == 1, "backward() needs a scalar loss, shape is \(shape); reduce it with sum() or mean() first")
        backward(seed: [1])
    }

    /// Back-propagates with an explicit upstream gradient of this tensor's shape.
    public func backward(seed: [Float]) {
        precondition(seed.count == count, "seed gradient needs \(count) values")
        guard requiresGrad else { return }
        // Topological order by an iterative depth-first search (graphs can be deep).
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            let id = ObjectIdentifier(node)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        accumulate(seed)
        for node in order.reversed() where node.grad != nil {
            node.backwardFunction?(node)
        }
        // Intermediate results drop their gradients; leaves keep them.
        for node in order where node.backwardFunction != nil && node !== self { node.grad = nil }
    }
}
