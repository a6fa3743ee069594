"""Exercise 2 of the interactions lab (the dominant PID atom): the reference and wrong versions."""

from mmlab.quantify import exact_pid, mutual_information

ATOMS = ("redundancy", "unique1", "unique2", "synergy")


def reference(p):
    result = exact_pid(p)
    return max(ATOMS, key=lambda a: getattr(result, a))


def reference_dict(p):  # via as_dict(), leaving out the total: accepted
    atoms = exact_pid(p).as_dict()
    atoms.pop("total")
    return max(atoms, key=atoms.get)


def always_synergy(p):
    return "synergy"


def swapped_sources(p):  # reads the atoms of the table with X1 and X2 exchanged
    result = exact_pid(p.transpose(1, 0, 2))
    return max(ATOMS, key=lambda a: getattr(result, a))


def returns_value(p):
    result = exact_pid(p)
    return max(getattr(result, a) for a in ATOMS)


def smallest_atom(p):
    result = exact_pid(p)
    return min(ATOMS, key=lambda a: getattr(result, a))


def by_mutual_information(p):  # "redundancy if both sources inform Y" instead of reading the atoms
    i1, i2 = mutual_information(p.sum(axis=1)), mutual_information(p.sum(axis=0))
    if i1 > 1e-9 and i2 > 1e-9:
        return "redundancy"
    if i1 > 1e-9:
        return "unique1"
    if i2 > 1e-9:
        return "unique2"
    return "synergy"


def returns_list(p):  # the atom names sorted by size, not the largest one
    result = exact_pid(p)
    return sorted(ATOMS, key=lambda a: getattr(result, a), reverse=True)


def no_return(p):
    reference(p)


MUTANTS = {
    "always_synergy": (
        always_synergy,
        "Check 3/7 (copy of X1): you answered 'synergy', which is not the largest atom of this table",
    ),
    "swapped_sources": (swapped_sources, "unique1 is the information only X1"),
    "returns_value": (returns_value, "Return the atom's name"),
    "smallest_atom": (smallest_atom, "which is not the largest atom"),
    "by_mutual_information": (by_mutual_information, "Compare the atoms themselves"),
    "returns_list": (
        returns_list,
        "Check 1/7 (returns an atom name): expected one of ['redundancy', 'unique1', "
        "'unique2', 'synergy'], got list of length 4",
    ),
    "no_return": (no_return, "Check 1/7 (returns an atom name): your function returned None"),
}
