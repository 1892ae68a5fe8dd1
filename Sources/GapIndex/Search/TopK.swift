/// Keeps the `capacity` best elements seen: a binary min-heap whose root is the worst kept
/// element, so each insertion is O(log k) and most are a single comparison.
struct TopK<Element> {
    private var heap: [Element] = []
    let capacity: Int
    /// Whether the first argument ranks below the second.
    let isWorse: (Element, Element) -> Bool

    init(capacity: Int, isWorse: @escaping (Element, Element) -> Bool) {
        self.capacity = capacity
        self.isWorse = isWorse
        heap.reserveCapacity(capacity)
    }

    /// The worst element kept, once the heap is full: a new element must beat it.
    var threshold: Element? { heap.count == capacity ? heap.first : nil }

    mutating func insert(_ element: Element) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(element)
            siftUp(heap.count - 1)
        } else if isWorse(heap[0], element) {
            heap[0] = element
            siftDown(0)
        }
    }

    /// The kept elements, in no particular order.
    var elements: [Element] { heap }

    /// The kept elements, best first.
    func sortedDescending() -> [Element] {
        heap.sorted { isWorse($1, $0) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard isWorse(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var worst = parent
            if left < heap.count && isWorse(heap[left], heap[worst]) { worst = left }
            if right < heap.count && isWorse(heap[right], heap[worst]) { worst = right }
            guard worst != parent else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
