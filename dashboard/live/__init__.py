"""The live layer: Socket.IO handlers, the realtime hub following the change feed, presenter and view state."""
