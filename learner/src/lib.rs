//! The Q-learning synthesiser.
