"""Use cases. Each takes a UnitOfWork and the acting Principal, enforces the tenant rules
(see `scope.py`), calls the pure domain, writes an audit row, and commits once."""
