/// Thrown after a `dropConnection` fault closed the connection, so nothing is written.
struct ConnectionDropped: Error {}
