export declare const HUB_NODE_FLAGS: readonly string[];
