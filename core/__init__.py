"""The ground floor: what every layer may use and that uses nothing of ours.

The clock (one injectable source of time), the texts (gettext catalogues and the
``N_`` marker), and the priorities of outgoing messages.
"""
