Idle -> {{{{{{{{{{ input -> {{{{ input -> output }}}} -> output }}}}}}}}}} -> Discard;
