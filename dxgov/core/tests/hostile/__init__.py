"""Hostile input, class by class: what an attacker (or a careless program) sends, refused at
the edge with a message that says why, and never at the cost of data, memory or the database's
write lock (issue 17)."""
