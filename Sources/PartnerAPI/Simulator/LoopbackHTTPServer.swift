import FlyingFox
import FlyingSocks
import Foundation

extension HTTPServer {
    /// A FlyingFox server on 127.0.0.1:`port` (0: any free port) whose sockets send at once
    /// (`TCP_NODELAY`, see ``NoDelayEventQueue``): the simulator and the bench's webhook sink.
    public static func loopback(port: UInt16, timeout: TimeInterval, logger: some Logging = .disabled,
                                handler: some HTTPHandler) throws -> HTTPServer {
        let address = try sockaddr_in.inet(ip4: "127.0.0.1", port: port)
        return HTTPServer(address: address, timeout: timeout, pool: makeNoDelayPool(), logger: logger, handler: handler)
    }

    private static func makeNoDelayPool() -> some AsyncSocketPool {
        #if os(Linux)
        return SocketPool(queue: NoDelayEventQueue(inner: ePoll(maxEvents: 64)))
        #else
        return HTTPServer.defaultPool()
        #endif
    }

    /// The port it listens on, once listening.
    public var loopbackPort: UInt16? {
        get async {
            if case .ip4(_, let port)? = await listeningAddress { return port }
            return nil
        }
    }
}
