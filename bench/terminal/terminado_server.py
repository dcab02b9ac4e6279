"""The peer of bench/terminal/run: terminado (the terminal server behind Jupyter) serving bash on a loopback port.

    /usr/bin/python3 bench/terminal/terminado_server.py PORT

One fresh bash per WebSocket (UniqueTermManager), at ws://127.0.0.1:PORT/websocket; protocol: JSON text frames,
["stdin", "..."] and ["set_size", rows, cols] in, ["setup", {}] and ["stdout", "..."] out. Prints "ready" once
listening; SIGTERM or SIGINT ends the terminals and the server.
"""
import asyncio
import signal
import sys

import terminado
import tornado.web


async def main(port):
    manager = terminado.UniqueTermManager(shell_command=["bash"])
    app = tornado.web.Application([(r"/websocket", terminado.TermSocket, {"term_manager": manager})])
    server = app.listen(port, address="127.0.0.1")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.stop()
    await manager.shutdown()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
